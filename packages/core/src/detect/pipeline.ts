import { NO_FINDINGS } from './closed-findings.js';
import type { DetectEvent } from './event.js';
import type { Finding } from './findings.js';
import type { LongHorizonSnapshot } from './long-horizon.js';
import { NoiseClassifier, NOISE_REASONS, type NoiseConfig, type NoiseReason, type NoiseVerdict } from './noise.js';
import { ScanDetector, type ScanConfig, type ScanStats } from './scan-detector.js';
import { SpoofDetector, type SpoofConfig, type SpoofStats } from './spoof.js';

/** The `detect` section of the configuration, as a plain object; anything left out takes its default. */
export interface DetectConfig {
  readonly scan?: Partial<ScanConfig>;
  readonly spoof?: Partial<SpoofConfig>;
  readonly noise?: Partial<NoiseConfig>;
}

export interface DetectStats {
  events: number;
  noise: number;
  noiseByReason: Record<NoiseReason, number>;
  scan: ScanStats;
  spoof: SpoofStats;
}

/**
 * The order every consumer needs, in one place: noise first (harmless chatter never becomes evidence), then the
 * spoof rule and the scan rule on what is left. A spoofed line also counts towards a scan: a forged source that
 * sweeps ports is both, and the decision policy (not detection) chooses which block applies.
 */
export class Detector {
  private readonly noiseClassifier: NoiseClassifier;
  private readonly scan: ScanDetector;
  private readonly spoof: SpoofDetector;
  private readonly counts: { events: number; noise: number; noiseByReason: Record<NoiseReason, number> };

  constructor(config: DetectConfig = {}) {
    this.noiseClassifier = new NoiseClassifier(config.noise);
    this.scan = new ScanDetector(config.scan);
    this.spoof = new SpoofDetector(config.spoof);
    this.counts = {
      events: 0,
      noise: 0,
      noiseByReason: Object.fromEntries(NOISE_REASONS.map((r) => [r, 0])) as Record<NoiseReason, number>,
    };
  }

  /** The noise verdict on the event last pushed (undefined: not noise), for callers that show it beside the findings. */
  get lastNoise(): NoiseVerdict | undefined {
    return this.noise;
  }

  private noise: NoiseVerdict | undefined;

  /** Findings of episodes that ended with this event (see `ScanDetector`). */
  push(e: DetectEvent): readonly Finding[] {
    this.counts.events++;
    const noise = this.noiseClassifier.classify(e);
    this.noise = noise;
    if (noise) {
      this.counts.noise++;
      this.counts.noiseByReason[noise.reason]++;
      return NO_FINDINGS;
    }
    const spoofed = this.spoof.push(e);
    const scans = this.scan.push(e);
    return spoofed.length === 0 ? scans : scans.length === 0 ? spoofed : [...spoofed, ...scans];
  }

  /** End of input: the remaining findings, spoofed sources first, each group in order of first sighting. */
  flush(): Finding[] {
    const byFirst = (a: Finding, b: Finding): number => a.first - b.first;
    return [...this.spoof.flush().sort(byFirst), ...this.scan.flush().sort(byFirst)];
  }

  /** The long-horizon scan counts, for the next run (`restore`); undefined when that rule is off. */
  snapshot(): LongHorizonSnapshot | undefined {
    return this.scan.snapshot();
  }

  /** Resumes a previous run's long-horizon counts; before the first `push`. */
  restore(snapshot: LongHorizonSnapshot): void {
    this.scan.restore(snapshot);
  }

  /** Open episodes, without closing them. */
  active(): Finding[] {
    return [...this.spoof.active(), ...this.scan.active()];
  }

  get stats(): DetectStats {
    return {
      events: this.counts.events,
      noise: this.counts.noise,
      noiseByReason: { ...this.counts.noiseByReason },
      scan: { ...this.scan.stats },
      spoof: { ...this.spoof.stats },
    };
  }

  /** Sources with state held right now: the memory bound to watch. */
  get tracked(): { scan: number; long: number; spoof: number } {
    return { scan: this.scan.tracked, long: this.scan.trackedLong, spoof: this.spoof.tracked };
  }
}
