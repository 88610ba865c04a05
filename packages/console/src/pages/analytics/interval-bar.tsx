/** A confidence interval drawn on an axis through zero: the whole interval above zero reads as a real gain. */
import { useT } from '../../i18n/language-context.tsx';

interface IntervalBarProps {
  estimate: number | null;
  ci: [number, number] | null;
  /** Half-width of the axis; defaults to fit the interval. */
  span?: number;
  format: (v: number) => string;
}

const W = 168;
const H = 26;
const PAD = 6;

export function IntervalBar({ estimate, ci, span, format }: IntervalBarProps) {
  const t = useT();
  if (!ci || estimate === null) return <span className="muted">—</span>;
  const reach = span ?? Math.max(Math.abs(ci[0]), Math.abs(ci[1]), Math.abs(estimate), 1e-9) * 1.15;
  const x = (v: number) =>
    PAD + ((Math.max(-reach, Math.min(reach, v)) + reach) / (2 * reach)) * (W - 2 * PAD);
  const tone = ci[0] > 0 ? 'interval-gain' : ci[1] < 0 ? 'interval-loss' : 'interval-unclear';
  const label = t('{estimate}, 95 % interval {low} to {high}', {
    estimate: format(estimate),
    low: format(ci[0]),
    high: format(ci[1]),
  });
  return (
    <svg
      className={`interval ${tone}`}
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <line className="interval-axis" x1={PAD} x2={W - PAD} y1={H / 2} y2={H / 2} />
      <line className="interval-zero" x1={x(0)} x2={x(0)} y1={3} y2={H - 3} />
      <rect
        className="interval-range"
        x={x(ci[0])}
        y={H / 2 - 4}
        width={Math.max(2, x(ci[1]) - x(ci[0]))}
        height={8}
        rx={4}
      />
      <circle className="interval-point" cx={x(estimate)} cy={H / 2} r={4.5} />
    </svg>
  );
}
