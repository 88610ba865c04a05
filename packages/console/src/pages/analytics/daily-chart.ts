/** The line chart over time the report tabs draw: per day, or per hour for a one-day period. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { currentLocale, t } from '../../i18n/i18n.ts';
import { useLanguage } from '../../i18n/language-context.tsx';
import { countTicks, countValue, timeTicks } from './uplot-chart.tsx';

/** The axes' look every report chart shares. */
export const AXIS = { stroke: '#667085', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e4e7ec' } };

/** Options for a chart over time; the first series is filled, the others are lines. Per hour, the axis reads hours. */
export function dailyChartOptions(
  series: ReadonlyArray<{ label: () => string; color: string }>,
  hourly = false,
): Omit<uPlot.Options, 'width' | 'height'> {
  // In the console's locale (made when the options are, which is again on a language switch).
  const locale = currentLocale();
  /** An hour as the locale writes it: "3 PM", "15 Uhr". */
  const hourOf = new Intl.DateTimeFormat(locale, { hour: 'numeric' });
  /** An hour with its day, for the legend: "Nov 26, 3 PM". */
  const hourOfDay = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: 'numeric' });
  const dayOf = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' });
  const label = (format: Intl.DateTimeFormat) => (_u: uPlot, v: number | null) =>
    v == null ? '—' : format.format(new Date(v * 1000));
  return {
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
    axes: [
      { ...AXIS, values: timeTicks((at) => (hourly ? hourOf : dayOf).format(at)) },
      { ...AXIS, size: 48, values: countTicks },
    ],
    series: [
      { label: t('Time'), value: hourly ? label(hourOfDay) : label(dayOf) },
      ...series.map((s, i) => ({
        label: s.label(),
        value: countValue,
        stroke: s.color,
        width: 2,
        ...(i === 0 ? { fill: `${s.color}14` } : {}),
      })),
    ],
  };
}

/**
 * Chart data of days (`YYYY-MM-DD`, drawn at noon UTC) or hours (an ISO instant, drawn at its start)
 * and one value list per series.
 */
export function dailyChartData<D>(
  points: readonly D[],
  date: (d: D) => string,
  values: ((d: D) => number)[],
): uPlot.AlignedData {
  const at = (text: string) => Date.parse(text.length === 10 ? `${text}T12:00:00Z` : text) / 1000;
  return [points.map((d) => at(date(d))), ...values.map((v) => points.map(v))];
}

/** A line of a chart over time: its name, its colour and the figure it reads from each point. */
export interface TimeSeries<D> {
  /** Its name in the console's language: a function, as the series are module constants. */
  label: () => string;
  color: string;
  value: (d: D) => number;
}

/**
 * A report's chart over time: per hour when the report answers hours (a one-day period), else per
 * day. `series` and `date` must be stable (module constants): they key the chart's memos.
 */
export function useTimeChart<D>(
  series: readonly TimeSeries<D>[],
  date: (d: D) => string,
  report: { days: readonly D[]; hours?: readonly D[] } | null | undefined,
) {
  const hours = report?.hours;
  const days = report?.days;
  const hourly = Boolean(hours);
  const { lang } = useLanguage();
  // Built again on a language switch: the names, dates and numbers are written in it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow the language
  const options = useMemo(() => dailyChartOptions(series, hourly), [series, hourly, lang]);
  const data = useMemo(
    () =>
      dailyChartData(
        hours ?? days ?? [],
        date,
        series.map((s) => s.value),
      ),
    [series, date, hours, days],
  );
  return { hourly, options, data };
}
