import type { GeoLookup } from '@portcullis/core';
import { openGeo } from '../geo/mmdb.js';
import type { Io } from './main.js';

/** Country and AS are a nicety: when the database cannot be opened, say so once and go on without it. */
export async function openGeoOrWarn(io: Io): Promise<GeoLookup | undefined> {
  try {
    return await openGeo();
  } catch (err) {
    io.stderr.write(`portcullis: warning: no country/AS data: ${err instanceof Error ? err.message : String(err)}\n`);
    return undefined;
  }
}
