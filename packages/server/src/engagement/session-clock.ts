const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = formatter('UTC');
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** The time zone's offset from UTC at instant `t`, in ms (local = utc + offset). */
export function zoneOffsetMs(timeZone: string, t: number): number {
  if (timeZone === 'UTC') return 0;
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(t)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return asUtc - (t - (((t % 1000) + 1000) % 1000));
}

/** The first local midnight in `timeZone` strictly after `t` (epoch ms): where a session must end. */
export function nextMidnight(timeZone: string, t: number): number {
  const offset = zoneOffsetMs(timeZone, t);
  const localMidnight = Math.floor((t + offset) / DAY_MS) * DAY_MS + DAY_MS;
  const guess = localMidnight - offset;
  // Across a DST change the offset at midnight differs from the offset now.
  const offsetThen = zoneOffsetMs(timeZone, guess);
  return offsetThen === offset ? guess : localMidnight - offsetThen;
}

/** True when a session whose last event was at `lastEventAt` is over at `now` (idle too long or past midnight). */
export function sessionExpired(lastEventAt: number, endsAt: number, now: number, idleMs: number): boolean {
  return now - lastEventAt >= idleMs || now >= endsAt;
}
