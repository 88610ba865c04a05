import type { VisitorGeo } from '@beckon/core';

/** Where the demo shop's simulated shoppers are, most of them near home (as a European shop's would be). */
const PLACES: readonly VisitorGeo[] = [
  { country: 'GB', region: 'England', city: 'London', timezone: 'Europe/London' },
  { country: 'GB', region: 'England', city: 'Manchester', timezone: 'Europe/London' },
  { country: 'DE', region: 'Berlin', city: 'Berlin', timezone: 'Europe/Berlin' },
  { country: 'DE', region: 'Bavaria', city: 'Munich', timezone: 'Europe/Berlin' },
  { country: 'US', region: 'New York', city: 'New York', timezone: 'America/New_York' },
  { country: 'US', region: 'California', city: 'San Francisco', timezone: 'America/Los_Angeles' },
  { country: 'FR', region: 'Île-de-France', city: 'Paris', timezone: 'Europe/Paris' },
  { country: 'NL', region: 'North Holland', city: 'Amsterdam', timezone: 'Europe/Amsterdam' },
  { country: 'ES', region: 'Madrid', city: 'Madrid', timezone: 'Europe/Madrid' },
  { country: 'GB', region: 'Scotland', city: 'Edinburgh', timezone: 'Europe/London' },
];

/**
 * A simulated shopper's location, read from their id rather than drawn, so adding it changed no
 * other draw of the simulation (its figures stay what they were).
 */
export function demoPlace(visitorId: string): VisitorGeo {
  return { ...PLACES[Number.parseInt(visitorId.slice(0, 4), 16) % PLACES.length]! };
}
