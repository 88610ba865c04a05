/** How the analytics page writes rates, money, counts and durations. */
import type { ReportFilters } from '../../api/reports.ts';
import { formatMoney as inCurrency } from '../../components/format.ts';
import { browserTimeZone } from '../settings/sites/time-zones.ts';

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const formatCount = (n: number) => count.format(n);

/** Who saw a group's conversions: "Tag 40 · server 1 · both 3", or "Tag only" when no server reported any. */
export function formatSources(s: { tagOnly: number; serverOnly: number; both: number }): string {
  if (s.tagOnly + s.serverOnly + s.both === 0) return '—';
  if (s.serverOnly === 0 && s.both === 0) return 'Tag only';
  return `Tag ${count.format(s.tagOnly)} · server ${count.format(s.serverOnly)} · both ${count.format(s.both)}`;
}
/** In the account's currency when the report names one ("$2,025.00"), as the visitor pages write carts; else a plain amount. */
export const formatMoney = (n: number, currency?: string | null) =>
  currency ? inCurrency(n, currency) : money.format(n);

/** 0.1234 → "12.3 %"; signed for lifts. */
export function formatPercent(v: number | null | undefined, signed = false, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const text = `${(v * 100).toFixed(digits)} %`;
  return signed && v > 0 ? `+${text}` : text;
}

/** A count with its noun in agreement: "1 answer", "12 answers". */
export function formatCountOf(n: number, one: string, other: string): string {
  return `${formatCount(n)} ${n === 1 ? one : other}`;
}

/** A difference of two rates in percentage points, signed: "+2.35 pp". */
export function formatPoints(v: number, digits = 2): string {
  return `${v > 0 ? '+' : ''}${(v * 100).toFixed(digits)} pp`;
}

/**
 * Seconds as "45 s", "3 min 20 s", "1 h 5 min"; a dash when unknown. The spaces are non-breaking:
 * a narrow column wraps around a duration, never inside it ("2 min" on one line, "39 s" on the next).
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  let text: string;
  if (s < 60) text = `${s} s`;
  else if (s < 3600) text = s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  else {
    const m = Math.round(s / 60);
    text = m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
  }
  return text.replaceAll(' ', '\u00a0');
}

/** A p-value as people read it: "< 0.001", "0.037". */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
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
