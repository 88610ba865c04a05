/** IANA time zones the browser knows, for the site time-zone picker (reports group days by it). */

let cached: string[] | undefined;

export function timeZones(): string[] {
  if (!cached) {
    let zones: string[] = [];
    try {
      zones = Intl.supportedValuesOf('timeZone');
    } catch {
      zones = [];
    }
    cached = zones.includes('UTC') ? zones : ['UTC', ...zones];
  }
  return cached;
}

/** The zone list with `current` guaranteed present, so an unusual saved value still shows. */
export function timeZonesWith(current: string): string[] {
  const zones = timeZones();
  return zones.includes(current) ? zones : [current, ...zones];
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}
