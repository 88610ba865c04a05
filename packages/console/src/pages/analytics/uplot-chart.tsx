/** A uPlot chart as a React component: built once per options, fed new data in place, sized to its box. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber } from '../../components/format.ts';

interface UPlotChartProps {
  /** Everything but width and height, which follow the container. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  /** What the chart shows, for screen readers (the table beside it carries the numbers). */
  label: string;
  testId?: string;
}

export function UPlotChart({ options, data, height, label, testId }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const hooks = { ...options.hooks };
    // Over time, the legend reads the latest point while the pointer is elsewhere, not "--".
    if (options.scales?.x?.time !== false) hooks.setLegend = [...(hooks.setLegend ?? []), showLatest];
    const plot = new uPlot(
      { ...options, hooks, width: Math.max(200, el.clientWidth), height },
      latest.current,
      el,
    );
    showLatest(plot);
    chart.current = plot;
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return (
    <div
      ref={box}
      className="chart"
      role="img"
      aria-label={label}
      data-testid={testId}
      data-points={data[0]?.length ?? 0}
    />
  );
}

/** Shows the last point's values in a live legend when no point is under the pointer. */
function showLatest(u: uPlot): void {
  if (u.legend.idx != null) return;
  const points = u.data[0]?.length ?? 0;
  if (points > 0) u.setLegend({ idx: points - 1 }, false);
}

/** Reads a CSS custom property of the stylesheet (chart colours follow the theme). */
export function cssColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Bars for categorical charts (funnel stages, agents). */
export const barPaths = uPlot.paths.bars?.({ size: [0.6, 64], align: 0 });

/** An axis's counts in the console's language ("1,500", "1.500"), not the browser's. */
export const countTicks = (_u: uPlot, splits: number[]) => splits.map((v) => formatNumber(v));

/** A series' value in the legend, in the console's language; a dash where there is none. */
export const countValue = (_u: uPlot, v: number | null) => (v == null ? '—' : formatNumber(v));

/**
 * A time axis's labels written by `format` in the console's language; a label that repeats the one
 * before it (two ticks in the same day or hour) is left blank rather than said twice.
 */
export function timeTicks(format: (at: Date) => string) {
  return (_u: uPlot, splits: number[]) =>
    splits.map((s, i) => {
      const text = format(new Date(s * 1000));
      return i > 0 && format(new Date(splits[i - 1]! * 1000)) === text ? '' : text;
    });
}
