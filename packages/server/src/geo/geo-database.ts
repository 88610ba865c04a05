import type { VisitorGeo } from '@beckon/core';
import { type CityResponse, Reader } from 'maxmind';
import { geoFromRecord } from './geo-record.ts';

/** One mmdb city database in memory. */
export interface GeoDatabase {
  /** When the database was built (to check an update took). */
  builtAt: Date;
  /** 4 when it holds IPv4 addresses only; 6 when it holds both families. */
  ipVersion: number;
  /** The coarse location of an address the database holds (no range checks: see `MmdbGeoLookup`). */
  locate(address: string): VisitorGeo | null;
}

/** Places remembered: a database names a few hundred thousand, visitors come from far fewer. */
const MAX_PLACES = 20_000;

/**
 * The decoded records by their place in the file (never by address), so a city's record is decoded
 * once: a lookup is then the walk down the address tree. Emptied when full.
 */
class RecordCache {
  private readonly records = new Map<string | number, unknown>();
  get(offset: string | number): unknown {
    return this.records.get(offset);
  }
  set(offset: string | number, record: unknown): void {
    if (this.records.size >= MAX_PLACES) this.records.clear();
    this.records.set(offset, record);
  }
}

/** Reads a database from its bytes (an mmdb file, read whole); throws when they are not one. */
export function geoDatabase(bytes: Buffer): GeoDatabase {
  const reader = new Reader<CityResponse>(bytes, { cache: new RecordCache() });
  const { buildEpoch, ipVersion } = reader.metadata;
  const places = new WeakMap<object, VisitorGeo | null>();
  const placeOf = (record: CityResponse | null): VisitorGeo | null => {
    if (record === null) return null;
    let geo = places.get(record);
    if (geo === undefined) {
      geo = geoFromRecord(record);
      places.set(record, geo);
    }
    // Each visitor gets its own copy.
    return geo && { ...geo };
  };
  return {
    builtAt: buildEpoch,
    ipVersion,
    // An IPv4 database holds no IPv6 address.
    locate: (address) => (ipVersion === 4 && address.includes(':') ? null : placeOf(reader.get(address))),
  };
}
