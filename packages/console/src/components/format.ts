/**
 * How the console writes dates, times, durations, numbers and money: in the locale of the console's
 * language (`currentLocale()`), never the browser's default, so a German console writes 26.11.2026.
 */
import { currentLocale, t } from '../i18n/i18n.ts';

const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();

/** One formatter per locale and options, made once: building an Intl formatter is slow. */
function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(
  kind: string,
  options: object,
  make: (locale: string) => F,
): F {
  const key = `${currentLocale()}|${kind}|${JSON.stringify(options)}`;
  let format = formats.get(key) as F | undefined;
  if (!format) {
    format = make(currentLocale());
    formats.set(key, format);
  }
  return format;
}

const dateTime = (options: Intl.DateTimeFormatOptions) =>
  cached('date', options, (locale) => new Intl.DateTimeFormat(locale, options));

function valid(iso: string | number | Date): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "Nov 26, 2026", "26. Nov. 2026". */
export function formatDate(iso: string): string {
  const date = valid(iso);
  return date ? dateTime({ year: 'numeric', month: 'short', day: 'numeric' }).format(date) : '—';
}

/** "Nov 26, 2026, 3:04 PM", "26.11.2026, 15:04". */
export function formatDateTime(iso: string): string {
  const date = valid(iso);
  return date ? dateTime({ dateStyle: 'medium', timeStyle: 'short' }).format(date) : '—';
}

/** "3:04:05 PM", "15:04:05" (`short`: without the seconds): a clock time, for "updated at". */
export function formatTime(when: string | number | Date, timeStyle: 'short' | 'medium' = 'medium'): string {
  const date = valid(when);
  return date ? dateTime({ timeStyle }).format(date) : '—';
}

/** "1,234", "1.234": a count or amount in the console's language. */
export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  return cached('number', options, (locale) => new Intl.NumberFormat(locale, options)).format(value);
}

/** "3 minutes ago", "vor 3 Minuten", "yesterday"; falls back to the date beyond a month. */
export function formatRelative(iso: string, now = Date.now()): string {
  const date = valid(iso);
  if (!date) return '—';
  const relative = cached(
    'relative',
    {},
    (locale) => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
  );
  const seconds = Math.round((date.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return t('just now');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 30 * 86400) return relative.format(Math.round(seconds / 86400), 'day');
  return formatDate(iso);
}

/** 45 → "45 s", 120 → "2 min", 90 → "1 min 30 s" (the units read alike in the console's languages). */
export function formatSeconds(total: number): string {
  if (total < 60) return `${formatNumber(total)} s`;
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return seconds ? `${formatNumber(minutes)} min ${seconds} s` : `${formatNumber(minutes)} min`;
}

/** "$123.50", "123,50 $" in a currency (an ISO 4217 code); a plain number for an unknown code. */
export function formatMoney(amount: number, currency: string): string {
  try {
    return formatNumber(amount, { style: 'currency', currency });
  } catch {
    return formatNumber(amount, { maximumFractionDigits: 2 });
  }
}
