/** The variants chart: each variant's always-valid interval against control, day by day, around zero. */
import type uPlot from 'uplot';
import type { VariantsReport } from '../../api/reports.ts';
import { currentLocale, t } from '../../i18n/i18n.ts';
import { AXIS, dailyChartData } from './daily-chart.ts';
import { formatPoints } from './report-format.ts';
import { timeTicks } from './uplot-chart.tsx';

/** One colour per variant, in the campaign's order. */
export const VARIANT_COLORS = ['#4338ca', '#0e9384', '#c4320a', '#7a5af8', '#b54708', '#475467'];

/** The variants drawn: every arm but control (removed ones too). */
export const chartedArms = (r: VariantsReport) => r.arms.filter((a) => !a.control).map((a) => a.key);

/** Chart options: per variant its interval's upper and lower bound with the band between filled, and zero. */
export function variantsChartOptions(keys: readonly string[]): Omit<uPlot.Options, 'width' | 'height'> {
  const dayOf = new Intl.DateTimeFormat(currentLocale(), { month: 'short', day: 'numeric' });
  const points = (_u: uPlot, v: number | null) => (v == null ? '—' : formatPoints(v, 1));
  const series: uPlot.Series[] = [
    { label: t('Day'), value: (_u, v) => (v == null ? '—' : dayOf.format(new Date(v * 1000))) },
    {
      label: t('No difference'),
      stroke: '#98a2b3',
      width: 1,
      dash: [4, 4],
      value: points,
      points: { show: false },
    },
  ];
  const bands: uPlot.Band[] = [];
  keys.forEach((key, i) => {
    const color = VARIANT_COLORS[i % VARIANT_COLORS.length]!;
    const high = series.length;
    series.push({ label: t('{key}: high', { key }), stroke: color, width: 2, value: points });
    series.push({ label: t('{key}: low', { key }), stroke: color, width: 2, value: points });
    bands.push({ series: [high, high + 1], fill: `${color}22` });
  });
  return {
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [
      { ...AXIS, values: timeTicks((at) => dayOf.format(at)) },
      { ...AXIS, size: 76, values: (_u, splits) => splits.map((v) => formatPoints(v, 1)) },
    ],
    series,
    bands,
  };
}

/** Chart data: per day, zero, then each variant's high and low (a gap before it has enough data). */
export function variantsChartData(r: VariantsReport, keys: readonly string[]): uPlot.AlignedData {
  const dates = [...new Set(r.series.map((d) => d.date))];
  const at = new Map(r.series.map((d) => [`${d.arm}\u0000${d.date}`, d]));
  const bound = (key: string, side: 0 | 1) => (date: string) => {
    const d = at.get(`${key}\u0000${date}`);
    return d?.enoughData && d.interval ? d.interval[side] : null;
  };
  const values = [() => 0, ...keys.flatMap((k) => [bound(k, 1), bound(k, 0)])];
  return dailyChartData(dates, (d) => d, values as ((d: string) => number)[]);
}
