/** How the analytics page writes rates, money, counts and durations. */
import type { ReportFilters } from '../../api/reports.ts';
import { formatDate, formatNumber, formatMoney as inCurrency } from '../../components/format.ts';
import { t } from '../../i18n/i18n.ts';
import { browserTimeZone } from '../settings/sites/time-zones.ts';

/** A whole count in the console's language: "1,234", "1.234". */
export const formatCount = (n: number) => formatNumber(n, { maximumFractionDigits: 0 });

/** A figure with exactly `digits` decimals in the console's language: "4.25", "4,25". */
export const formatFixed = (n: number, digits: number) =>
  formatNumber(n, { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Who saw a group's conversions: "Tag 40 · server 1 · both 3", or "Tag only" when no server reported any. */
export function formatSources(s: { tagOnly: number; serverOnly: number; both: number }): string {
  if (s.tagOnly + s.serverOnly + s.both === 0) return '—';
  if (s.serverOnly === 0 && s.both === 0) return t('Tag only');
  return t('Tag {tag} · server {server} · both {both}', {
    tag: formatCount(s.tagOnly),
    server: formatCount(s.serverOnly),
    both: formatCount(s.both),
  });
}
/** In the account's currency when the report names one ("$2,025.00"), as the visitor pages write carts; else a plain amount. */
export const formatMoney = (n: number, currency?: string | null) =>
  currency ? inCurrency(n, currency) : formatFixed(n, 2);

/** 0.1234 → "12.3 %" ("12,3 %" in German); signed for lifts. */
export function formatPercent(v: number | null | undefined, signed = false, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const text = `${formatFixed(v * 100, digits)} %`;
  return signed && v > 0 ? `+${text}` : text;
}

/** A difference of two rates in percentage points, signed: "+2.35 pp", "+2,35 Pp.". */
export function formatPoints(v: number, digits = 2): string {
  // Kept on one line with its unit ("+2,35 Pp."), as a duration is.
  return t('{value} pp', { value: `${v > 0 ? '+' : ''}${formatFixed(v * 100, digits)}` }).replaceAll(
    ' ',
    '\u00a0',
  );
}

/**
 * Seconds as "45 s", "3 min 20 s", "1 h 5 min"; a dash when unknown. The spaces are non-breaking:
 * a narrow column wraps around a duration, never inside it ("2 min" on one line, "39 s" on the next).
 * The units read alike in the console's languages; the numbers follow its locale.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  const n = formatCount;
  let text: string;
  if (s < 60) text = `${n(s)} s`;
  else if (s < 3600) text = s % 60 ? `${n(Math.floor(s / 60))} min ${n(s % 60)} s` : `${n(s / 60)} min`;
  else {
    const m = Math.round(s / 60);
    text = m % 60 ? `${n(Math.floor(m / 60))} h ${n(m % 60)} min` : `${n(m / 60)} h`;
  }
  return text.replaceAll(' ', '\u00a0');
}

/** A p-value as people read it: "< 0.001", "0.037" ("0,037" in German). */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  return p < 0.001 ? `< ${formatFixed(0.001, 3)}` : formatFixed(p, 3);
}

/** An average rating with its number of answers: "4.25 (12)", "4,25 (12)"; a dash when none. */
export function formatCsat(average: number | null, responses?: number): string {
  if (average === null) return '—';
  return responses === undefined
    ? formatFixed(average, 2)
    : `${formatFixed(average, 2)} (${formatCount(responses)})`;
}

/** A report day (YYYY-MM-DD) as the console's language writes it: "Nov 26, 2026", "26.11.2026". */
export function formatDay(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? formatDate(`${day}T12:00:00`) : day;
}

/** YYYY-MM-DD of a local date. */
export function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The local day `days` before today, as YYYY-MM-DD. */
export function daysAgo(days: number, now = new Date()): string {
  const d = new Date(now);
  d.setDate(d.getDate() - days);
  return isoDay(d);
}

/** Every site, campaign, skill and agent over the last `days` days up to today, in the viewer's time zone. */
export function lastDaysFilters(days: number): ReportFilters {
  return {
    from: daysAgo(days - 1),
    to: daysAgo(0),
    siteId: '',
    campaignId: '',
    skillId: '',
    agentId: '',
    tz: browserTimeZone(),
  };
}
