import type { VisitorGeo } from '@beckon/core';
import { isCountryCode } from '@beckon/protocol/countries';
import tzLookup from '@photostructure/tz-lookup';

/** A record as DB-IP's files repackaged by ip-location-db hold it (flat fields). */
interface FlatRecord {
  country_code?: string;
  state1?: string;
  city?: string;
  timezone?: string;
  latitude?: number;
  longitude?: number;
}

/** A record in the GeoIP2 City layout (MaxMind GeoLite2 / GeoIP2, DB-IP's own mmdb files). */
interface NestedRecord {
  country?: { iso_code?: string };
  subdivisions?: { names?: Record<string, string> }[];
  city?: { names?: Record<string, string> };
  location?: { time_zone?: string; latitude?: number; longitude?: number };
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= 128 ? v : undefined;

const zones = new Map<string, string | undefined>();

/**
 * The IANA zone at a place, for databases that give coordinates but no zone (DB-IP Lite): from
 * `@photostructure/tz-lookup`, remembered per place (a database names a few hundred thousand).
 */
function zoneAt(latitude: unknown, longitude: unknown): string | undefined {
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  const key = `${latitude},${longitude}`;
  if (zones.has(key)) return zones.get(key);
  let zone: string | undefined;
  try {
    zone = tzLookup(latitude, longitude);
  } catch {
    zone = undefined;
  }
  if (zones.size >= 50_000) zones.clear();
  zones.set(key, zone);
  return zone;
}

/**
 * The coarse facts targeting uses, from a database record of either layout: country (only a code
 * targeting knows), first-level region, city, and time zone (the record's, else the zone at its
 * coordinates). Null when the record names none of them.
 */
export function geoFromRecord(record: unknown): VisitorGeo | null {
  if (typeof record !== 'object' || record === null) return null;
  const flat = record as FlatRecord;
  const nested = record as NestedRecord;
  const nestedCity = typeof nested.city === 'object' ? nested.city?.names?.en : undefined;
  const country = text(flat.country_code ?? nested.country?.iso_code)?.toUpperCase();
  const geo: VisitorGeo = {};
  if (country && isCountryCode(country)) geo.country = country;
  const region = text(flat.state1 ?? nested.subdivisions?.[0]?.names?.en);
  if (region) geo.region = region;
  // DB-IP names a city's district after it ("Berlin (Charlottenburg-Wilmersdorf)"): the city is targeted.
  const city = text(typeof flat.city === 'string' ? flat.city.replace(/\s*\([^()]*\)$/, '') : nestedCity);
  if (city) geo.city = city;
  const timezone =
    text(flat.timezone ?? nested.location?.time_zone) ??
    zoneAt(flat.latitude ?? nested.location?.latitude, flat.longitude ?? nested.location?.longitude);
  if (timezone) geo.timezone = timezone;
  return Object.keys(geo).length > 0 ? geo : null;
}
