import { Reader, type Response } from 'mmdb-lib';
import { classifyAddress } from './address-class.js';
import type { GeoInfo, GeoLookup } from './geo.js';

/**
 * Country (and AS) lookups over MaxMind DB (.mmdb) bytes. Pure: the caller reads the files (the agent from its
 * npm dependency, the language server from its bundle or a setting) and names them, so every way a database can be
 * unusable becomes a GeoDatabaseError that says which file and what is wrong, in one sentence.
 */

/** The credit CC BY 4.0 requires wherever country data from DB-IP's Lite database (the one Portcullis ships) is shown. */
export const DBIP_ATTRIBUTION = 'IP geolocation by DB-IP (https://db-ip.com), licensed under CC BY 4.0';

/** A database that cannot be used: names the file and says what is wrong with it in one sentence. */
export class GeoDatabaseError extends Error {
  override readonly name = 'GeoDatabaseError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`geo database ${path}: ${problem}`);
  }
}

/** One database as read by the caller: its bytes, and the name (path) used in messages. */
export interface GeoDatabaseBytes {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface GeoDatabases {
  readonly country: GeoDatabaseBytes;
  /** An ASN database (`autonomous_system_number`, `autonomous_system_organization`), when there is one. */
  readonly asn?: GeoDatabaseBytes;
  /** At most how many answers to remember; a scan meets the same few thousand sources again and again. Default 16384. */
  readonly cacheSize?: number;
}

const DEFAULT_CACHE_SIZE = 16_384;

/** "\xAB\xCD\xEFMaxMind.com": the spec puts the metadata after the last occurrence, within the file's last 128 KiB. */
const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');
const METADATA_MAX_SIZE = 128 * 1024;
/** Sixteen zero bytes separate the search tree from the data section. */
const DATA_SEPARATOR_SIZE = 16;

/**
 * Addresses looked up once at open: a file whose tree or data section is damaged fails here, with its name, instead
 * of in the middle of a scan. One from each family and a few spread over the space, so more of the tree is walked.
 */
const PROBES_V4 = ['1.1.1.1', '8.8.8.8', '89.248.166.153', '122.4.199.68', '200.160.2.3', '41.0.0.1'];
const PROBES_V6 = ['2001:4860:4860::8888', '2a00:1450:4001::1', '2400:cb00::1', '2c0f:f248::1'];

interface OpenedDb {
  readonly path: string;
  readonly reader: Reader<Response>;
  readonly hasV6: boolean;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Check one database; every way it can be unusable becomes a GeoDatabaseError naming the file. */
function openDb(db: GeoDatabaseBytes, probe: (record: unknown) => void): OpenedDb {
  const path = db.path;
  // mmdb-lib reads through Buffer methods; a view over the same memory, no copy
  const buf = Buffer.from(db.bytes.buffer, db.bytes.byteOffset, db.bytes.byteLength);
  if (buf.length === 0) throw new GeoDatabaseError(path, 'file is empty');

  // mmdb-lib's own messages for a foreign file are misleading (it suggests a library migration), so look for the
  // marker first and say plainly what is wrong.
  const tailStart = Math.max(0, buf.length - METADATA_MAX_SIZE);
  if (buf.lastIndexOf(METADATA_MARKER) < tailStart) {
    throw new GeoDatabaseError(path, 'not a MaxMind DB (.mmdb) file: no metadata marker in its last 128 KiB (wrong file, or truncated)');
  }

  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(buf);
  } catch (err) {
    throw new GeoDatabaseError(path, `corrupt MaxMind DB metadata (${messageOf(err)})`);
  }
  const meta = reader.metadata;
  if (meta.binaryFormatMajorVersion !== 2) {
    throw new GeoDatabaseError(path, `unsupported MaxMind DB format version ${String(meta.binaryFormatMajorVersion)} (expected 2)`);
  }
  if (meta.ipVersion !== 4 && meta.ipVersion !== 6) {
    throw new GeoDatabaseError(path, `corrupt metadata: ip_version is ${String(meta.ipVersion)}`);
  }
  if (!Number.isSafeInteger(meta.nodeCount) || meta.nodeCount <= 0) {
    throw new GeoDatabaseError(path, `corrupt metadata: node_count is ${String(meta.nodeCount)}`);
  }
  const dataStart = meta.searchTreeSize + DATA_SEPARATOR_SIZE;
  if (dataStart > buf.length) {
    throw new GeoDatabaseError(path, `truncated: the search tree needs ${dataStart} bytes but the file has ${buf.length}`);
  }
  for (let i = meta.searchTreeSize; i < dataStart; i++) {
    if (buf[i] !== 0) throw new GeoDatabaseError(path, 'corrupt: no data section separator after the search tree');
  }

  const hasV6 = meta.ipVersion === 6;
  for (const address of hasV6 ? [...PROBES_V4, ...PROBES_V6] : PROBES_V4) {
    let record: unknown;
    try {
      record = reader.get(address);
    } catch (err) {
      throw new GeoDatabaseError(path, `corrupt: looking up ${address} failed (${messageOf(err)})`);
    }
    try {
      probe(record);
    } catch (err) {
      throw new GeoDatabaseError(path, messageOf(err));
    }
  }
  return { path, reader, hasV6 };
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const COUNTRY_CODE = /^[A-Z]{2}$/;

/**
 * The country of a record. ip-location-db writes `country_code`; GeoIP2-style files (GeoLite2, DB-IP's own) write
 * `country.iso_code`, falling back to the registrant's country where the located one is unknown.
 */
function countryOf(record: unknown): string | undefined {
  if (!isRecord(record)) return undefined;
  const flat = record['country_code'];
  if (typeof flat === 'string' && COUNTRY_CODE.test(flat)) return flat;
  for (const key of ['country', 'registered_country']) {
    const nested = record[key];
    if (isRecord(nested)) {
      const iso = nested['iso_code'];
      if (typeof iso === 'string' && COUNTRY_CODE.test(iso)) return iso;
    }
  }
  return undefined;
}

function asnOf(record: unknown): { asn?: number; asOrg?: string } {
  if (!isRecord(record)) return {};
  const num = record['autonomous_system_number'];
  const org = record['autonomous_system_organization'];
  const out: { asn?: number; asOrg?: string } = {};
  if (typeof num === 'number' && Number.isSafeInteger(num) && num > 0) out.asn = num;
  if (typeof org === 'string' && org.length > 0) out.asOrg = org;
  return out;
}

/** A record that decodes but is not the kind we were told to expect means the wrong file was given. */
function expectShape(kind: 'country' | 'ASN', read: (record: unknown) => boolean): (record: unknown) => void {
  return (record) => {
    if (record !== null && record !== undefined && !read(record)) {
      throw new Error(
        kind === 'country'
          ? 'does not look like a country database: a record has no country code'
          : 'does not look like an ASN database: a record has no AS number',
      );
    }
  };
}

function query(db: OpenedDb, address: string, family: 4 | 6): unknown {
  if (family === 6 && !db.hasV6) return undefined;
  try {
    return db.reader.get(address);
  } catch {
    // The file passed the checks at open, so this is damage in some corner of the data section. A missing country
    // must not stop a scan: treat it as "the database does not know".
    return undefined;
  }
}

/**
 * Check the country database (and the ASN one, if given) and return a synchronous lookup. The lookup answers only for
 * public (global unicast) addresses: private, loopback, documentation and other special addresses return undefined
 * without touching the database, since the caller classifies those and no database has a country for them.
 *
 * Throws a GeoDatabaseError naming the file when a database is corrupt or of the wrong kind.
 */
export function geoLookup(options: GeoDatabases): GeoLookup {
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0) {
    throw new RangeError(`geo cacheSize must be a whole number ≥ 0, got ${String(cacheSize)}`);
  }
  const countryDb = openDb(options.country, expectShape('country', (r) => countryOf(r) !== undefined));
  const asnDb = options.asn === undefined ? undefined : openDb(options.asn, expectShape('ASN', (r) => asnOf(r).asn !== undefined));

  // Two generations of answers, each at most half the budget, so memory stays bounded however many distinct
  // addresses a log holds. When the young one fills it becomes the old one and the previous old one is dropped whole;
  // an answer found in the old generation moves back to the young one, so busy addresses survive (roughly LRU).
  // Not a Map used as a FIFO with delete-the-first-key: V8 leaves deleted slots that keys().next() walks over again
  // and again, which measured six times slower on a scan of 200,000 distinct sources.
  // null stands for "asked, no answer", so repeated misses are as cheap as hits.
  const generation = Math.max(1, Math.ceil(cacheSize / 2));
  let young = new Map<string, GeoInfo | null>();
  let old = new Map<string, GeoInfo | null>();

  function compute(text: string): GeoInfo | null {
    const info = classifyAddress(text);
    if (info === undefined || info.class !== 'public') return null;
    // The canonical form: mmdb-lib's parser trusts its input, and core has already validated this one.
    const country = countryOf(query(countryDb, info.address, info.family));
    const as = asnDb === undefined ? {} : asnOf(query(asnDb, info.address, info.family));
    if (country === undefined && as.asn === undefined && as.asOrg === undefined) return null;
    const geo: GeoInfo = {};
    if (country !== undefined) geo.country = country;
    if (as.asn !== undefined) geo.asn = as.asn;
    if (as.asOrg !== undefined) geo.asOrg = as.asOrg;
    // Shared between callers through the cache, so nobody may change it.
    return Object.freeze(geo);
  }

  return (address: string): GeoInfo | undefined => {
    const hit = young.get(address);
    if (hit !== undefined) return hit ?? undefined;
    if (cacheSize === 0) return compute(address) ?? undefined;
    let answer = old.get(address);
    if (answer === undefined) answer = compute(address);
    if (young.size >= generation) {
      old = young;
      young = new Map();
    }
    young.set(address, answer);
    return answer ?? undefined;
  };
}
