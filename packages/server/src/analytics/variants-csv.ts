import type { VariantArm, VariantComparison, VariantsReport } from '@beckon/protocol/variants-report-api';
import { type CsvColumn, toCsv } from './csv-table.ts';
import { round } from './report-csv.ts';

/** A row of the variants CSV: an arm's figures, or one comparison of two arms. */
type Row = { kind: 'arm'; arm: VariantArm } | { kind: 'comparison'; c: VariantComparison };

const arm = (r: Row) => (r.kind === 'arm' ? r.arm : null);
const cmp = (r: Row) => (r.kind === 'comparison' ? r.c : null);

const COLUMNS: CsvColumn<Row>[] = [
  { header: 'row', value: (r) => r.kind },
  { header: 'arm', value: (r) => (r.kind === 'arm' ? r.arm.key : r.c.arm) },
  { header: 'against', value: (r) => cmp(r)?.against },
  { header: 'removed', value: (r) => arm(r)?.removed },
  { header: 'weight', value: (r) => arm(r)?.weight },
  { header: 'visitors', value: (r) => arm(r)?.visitors },
  { header: 'exposures', value: (r) => arm(r)?.exposures },
  { header: 'converted', value: (r) => arm(r)?.converted },
  { header: 'conversions', value: (r) => arm(r)?.conversions },
  { header: 'revenue', value: (r) => round(arm(r)?.revenue, 2) },
  { header: 'conversion_rate', value: (r) => round(arm(r)?.conversionRate) },
  { header: 'revenue_per_visitor', value: (r) => round(arm(r)?.revenuePerVisitor, 4) },
  { header: 'difference', value: (r) => round(cmp(r)?.difference) },
  { header: 'interval_low', value: (r) => round(cmp(r)?.interval?.[0]) },
  { header: 'interval_high', value: (r) => round(cmp(r)?.interval?.[1]) },
  { header: 'relative', value: (r) => round(cmp(r)?.relative?.estimate) },
  { header: 'relative_low', value: (r) => round(cmp(r)?.relative?.interval?.[0]) },
  { header: 'relative_high', value: (r) => round(cmp(r)?.relative?.interval?.[1]) },
  { header: 'p_value', value: (r) => round(cmp(r)?.pValue, 8) },
  { header: 'verdict', value: (r) => cmp(r)?.verdict },
  { header: 'revenue_difference', value: (r) => round(cmp(r)?.revenue.difference, 4) },
  { header: 'revenue_low', value: (r) => round(cmp(r)?.revenue.interval?.[0], 4) },
  { header: 'revenue_high', value: (r) => round(cmp(r)?.revenue.interval?.[1], 4) },
  { header: 'revenue_p_value', value: (r) => round(cmp(r)?.revenue.pValue, 8) },
];

/** The variants report as CSV: one row per arm, then one per comparison (always-valid intervals). */
export function variantsCsv(report: VariantsReport): string {
  const rows: Row[] = [
    ...report.arms.map((a) => ({ kind: 'arm' as const, arm: a })),
    ...report.comparisons.map((c) => ({ kind: 'comparison' as const, c })),
  ];
  const currency = { header: 'currency', value: () => report.currency };
  return toCsv([...COLUMNS, currency], rows);
}
