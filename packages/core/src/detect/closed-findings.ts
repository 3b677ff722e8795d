/** The shared empty answer of a push that closed nothing (frozen, so no caller can fill it). */
export const NO_FINDINGS: readonly never[] = Object.freeze([]);

/**
 * The findings one push of a detector closes (quiet sources swept, the oldest evicted), handed over as one array,
 * or the shared empty one: nearly every push closes nothing, and an array per line was garbage for the collector.
 */
export class ClosedFindings<T> {
  private list: T[] = [];

  add(finding: T): void {
    this.list.push(finding);
  }

  /** What was added since the last take, and a fresh list for the next push. */
  take(): readonly T[] {
    if (this.list.length === 0) return NO_FINDINGS;
    const out = this.list;
    this.list = [];
    return out;
  }
}
