import { t, locale as visitorLocale } from '../i18n/i18n.ts';

const DAY = 86_400_000;

/** Local midnight of `at` in the visitor's time zone, as a day count (DST-safe through Date's fields). */
const dayOf = (at: number) => {
  const d = new Date(at);
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY;
};

/**
 * "We reply tomorrow at 9:00" (or, for a callback, "We call you back tomorrow at 9:00"): when a closed skill next opens, in the visitor's time zone, with the
 * words of the widget's language and the time, weekday and date written the way its locale writes them.
 */
export function replyWhen(
  opensAt: string,
  now = Date.now(),
  locale: string = visitorLocale,
  call?: boolean,
): string {
  const at = Date.parse(opensAt);
  if (Number.isNaN(at)) return '';
  const f = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, o).format(at);
  const time = f({ hour: 'numeric', minute: '2-digit' });
  const days = dayOf(at) - dayOf(now);
  if (days <= 0)
    return call ? t('We call you back today at {time}', { time }) : t('We reply today at {time}', { time });
  if (days === 1)
    return call
      ? t('We call you back tomorrow at {time}', { time })
      : t('We reply tomorrow at {time}', { time });
  const day = f(days < 7 ? { weekday: 'long' } : { month: 'long', day: 'numeric' });
  return call
    ? t('We call you back on {day} at {time}', { day, time })
    : t('We reply on {day} at {time}', { day, time });
}
