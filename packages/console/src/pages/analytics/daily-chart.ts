/** The per-day line chart the report tabs draw: a time axis, counts from 0, a legend, one line per series. */
import type uPlot from 'uplot';

const AXIS = { stroke: '#667085', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e4e7ec' } };

/** Options for a per-day chart; the first series is filled, the others are lines. */
export function dailyChartOptions(
  series: ReadonlyArray<{ label: string; color: string }>,
): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
    axes: [AXIS, { ...AXIS, size: 48 }],
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        ...(i === 0 ? { fill: `${s.color}14` } : {}),
      })),
    ],
  };
}

/** Chart data of days (`YYYY-MM-DD`, drawn at noon UTC) and one value list per series. */
export function dailyChartData<D>(
  days: readonly D[],
  date: (d: D) => string,
  values: ((d: D) => number)[],
): uPlot.AlignedData {
  return [days.map((d) => Date.parse(`${date(d)}T12:00:00Z`) / 1000), ...values.map((v) => days.map(v))];
}
