/**
 * How long ensure()'s reading may stand in for a fresh one: a run asks within milliseconds; a long-lived process
 * (`follow`) must not be answered from a reading taken long before.
 */
const FRESH_MS = 5000;

/**
 * What a backend's ensure() read of the kernel, kept for the run's next questions: list() (reconcile: `entries`) and
 * the blocklists (`sets`), each at most once and while fresh. Any write of ours drops it, since it no longer says
 * what is there. It saves a run one or two processes.
 */
export class EnsureReading<T> {
  private value: T | undefined;
  private at = 0;
  private readonly used = { entries: false, sets: false };

  keep(value: T): void {
    this.value = value;
    this.at = Date.now();
    this.used.entries = this.used.sets = false;
  }

  drop(): void {
    this.value = undefined;
  }

  /** The reading for `use`, or undefined: none kept, already used for that, or too old. */
  take(use: 'entries' | 'sets'): T | undefined {
    if (this.value === undefined || this.used[use] || Date.now() - this.at > FRESH_MS) return undefined;
    this.used[use] = true;
    return this.value;
  }
}
