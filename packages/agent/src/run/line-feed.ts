/**
 * Log lines into the run's detector: decode, make the detection event, push, keep the tail. A module of its own so
 * that `run` loads core's decoder (its field catalogue and tables take about 9 ms to set up at import) only when
 * there is a line to read; an idle run, whose log has not grown, has none.
 */
import { decodeLine, toDetectEvent, type Detector, type Finding } from '@portcullis/core';

export interface Tail {
  readonly text: string;
  readonly src: string;
  readonly time?: number;
}

/** A function that feeds one line and says whether it was a firewall line. */
export function lineFeeder(detector: Detector, now: number, findings: Finding[], tail: Tail[]): (text: string) => boolean {
  return (text) => {
    const d = decodeLine(text, { now });
    if (!d) return false;
    const e = toDetectEvent(d);
    for (const f of detector.push(e)) findings.push(f);
    if (e.src !== undefined) tail.push({ text, src: e.src, time: e.time });
    return true;
  };
}
