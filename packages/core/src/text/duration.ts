const UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A duration as the agent's config and the editor's settings write it, in milliseconds: whole seconds (`90`,
 * `'90'`) or number+unit runs (`90s`, `1.5h`, `1h30m`; units s m h d w). Undefined when it is not one; ranges are
 * the caller's business. One grammar, here, so the config file and the editor settings can never disagree.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  if (!/^([0-9]+(\.[0-9]+)?[smhdw])+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)([smhdw])/g)) ms += Number(m[1]) * UNIT_S[m[2]!]! * 1000;
  // fractions (1.5h) are fine, but the kernel counts whole seconds: round to one
  return Math.round(ms / 1000) * 1000;
}
