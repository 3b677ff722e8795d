/** One set as `ipset list -t` describes it. */
export interface SetHeader {
  readonly type: string;
  /** The header line (family, hash size, timeout, ...). */
  readonly header: string;
  /** `Number of entries`, when the answer gives it. */
  entries?: number;
}

/** `ipset list -t` (all sets, headers only): name → type, header line and entry count. */
export function parseSetHeaders(text: string): Map<string, SetHeader> {
  const sets = new Map<string, SetHeader>();
  let name: string | undefined;
  let type = '';
  for (const line of text.split('\n')) {
    const m = /^(Name|Type|Header|Number of entries): ?(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'Name') {
      name = m[2]!.trim();
      type = '';
    } else if (m[1] === 'Type') {
      type = m[2]!.trim();
    } else if (m[1] === 'Header') {
      if (name) sets.set(name, { type, header: m[2]!.trim() });
    } else if (name && /^\d+$/.test(m[2]!.trim())) {
      const set = sets.get(name);
      if (set) set.entries = Number(m[2]);
    }
  }
  return sets;
}
