/**
 * A string that shares no storage with a larger one. V8 may keep a substring as a view of its parent, so a value
 * kept for minutes (an interned address, a recent interface name) would pin the whole read buffer it came from.
 */
export function ownCopy(s: string): string {
  return (' ' + s).slice(1);
}
