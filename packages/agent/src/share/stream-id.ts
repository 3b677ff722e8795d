/**
 * Redis Stream IDs (`<ms>-<seq>`, both unsigned 64-bit): the fleet cursor is one, kept as text in the state and
 * compared exactly (BigInt: a millisecond time does not fit a double together with its sequence).
 */
const ID = /^(\d{1,20})-(\d{1,20})$/;

export function isStreamId(s: unknown): s is string {
  return typeof s === 'string' && ID.test(s);
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. Both must be valid IDs. */
export function compareIds(a: string, b: string): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/** The greatest ID before `id` (no such entry need exist): `5-0` gives `4-18446744073709551615`. */
export function previousId(id: string): string {
  const [ms, seq] = parts(id);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  return ms > 0n ? `${ms - 1n}-18446744073709551615` : '0-0';
}

function parts(id: string): [bigint, bigint] {
  const m = ID.exec(id);
  if (!m) throw new Error(`not a stream ID: ${id}`);
  return [BigInt(m[1]!), BigInt(m[2]!)];
}
