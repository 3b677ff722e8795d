/**
 * Log lines into the run's detection: decode, make the detection event, push, keep the tail. A module of its own so
 * that `run` loads core's decoder (its field catalogue and tables take about 9 ms to set up at import) and its
 * detectors (the scan and spoof rules, the TCP flag tables) only when there is a line to read, carried over or new;
 * an idle run, whose log has not grown, has none.
 */
import { decodeLine, Detector, toDetectEvent, type DetectConfig, type Finding, type LongHorizonSnapshot } from '@portcullis/core';

export interface Tail {
  readonly text: string;
  readonly src: string;
  readonly time?: number;
}

export interface LineFeed {
  /** Feeds one line; says whether it was a firewall line. */
  readonly push: (text: string) => boolean;
  readonly detector: Detector;
}

/**
 * A detector for this run, resumed from the previous run's long-horizon counts, and the function that feeds it.
 * Findings of episodes that end on a push go to `findings`; lines with a source to `tail`.
 */
export function lineFeed(config: DetectConfig, resume: LongHorizonSnapshot | undefined, now: number, findings: Finding[], tail: Tail[]): LineFeed {
  const detector = new Detector(config);
  // the long-horizon counts of earlier runs: a patient scan spread over many runs adds up as if read in one go
  if (resume) detector.restore(resume);
  const push = (text: string): boolean => {
    const d = decodeLine(text, { now });
    if (!d) return false;
    const e = toDetectEvent(d);
    for (const f of detector.push(e)) findings.push(f);
    if (e.src !== undefined) tail.push({ text, src: e.src, time: e.time });
    return true;
  };
  return { push, detector };
}
