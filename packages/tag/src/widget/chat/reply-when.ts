const DAY = 86_400_000;

/** Local midnight of `t` in the visitor's time zone, as a day count (DST-safe through Date's fields). */
const dayOf = (t: number) => {
  const d = new Date(t);
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY;
};

/**
 * "We reply tomorrow at 9:00": when a closed skill next opens, in the visitor's time zone, with the
 * time, weekday and date written the way the visitor's locale writes them.
 */
export function replyWhen(opensAt: string, now = Date.now(), locale?: string): string {
  const t = Date.parse(opensAt);
  if (Number.isNaN(t)) return '';
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(t);
  const days = dayOf(t) - dayOf(now);
  const day =
    days <= 0
      ? 'today'
      : days === 1
        ? 'tomorrow'
        : days < 7
          ? `on ${new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(t)}`
          : `on ${new Intl.DateTimeFormat(locale, { month: 'long', day: 'numeric' }).format(t)}`;
  return `We reply ${day} at ${time}`;
}
