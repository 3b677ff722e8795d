import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The peers' test suites, read in place: PORTCULLIS_CORPUS, else ../shared/corpus beside the checkout, else the
 * workplace's /work/shared/corpus (a CI clone may live elsewhere). The suites that read it fail loudly when it is
 * missing rather than passing on nothing.
 */
const candidates = [process.env.PORTCULLIS_CORPUS, resolve(here, '..', '..', 'shared', 'corpus'), '/work/shared/corpus'].filter(
  (p): p is string => typeof p === 'string' && p.length > 0,
);

const found = candidates.find((p) => existsSync(join(p, 'README.md')));
if (!found) throw new Error(`the peer corpus is not at any of ${candidates.join(', ')}; set PORTCULLIS_CORPUS to its path`);

export const CORPUS: string = found;

/** Every .log under a directory of the corpus, read in place. */
export function logsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...logsUnder(p));
    else if (name.endsWith('.log')) out.push(p);
  }
  return out;
}
