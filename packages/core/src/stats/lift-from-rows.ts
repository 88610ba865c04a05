import type { LiftReport } from './lift-types.ts';
import { type ComparisonOptions, compareProportions } from './proportion-comparison.ts';
import { compareRevenue } from './revenue-comparison.ts';
import { StatsInputError } from './stats-input-error.ts';

/** One visitor of an experiment: a CSV row or a database row, keyed by column name. */
export type LiftRow = Readonly<Record<string, unknown>>;

/** Which columns and values define the experiment. */
export interface LiftOptions extends ComparisonOptions {
  /** Column holding each visitor's arm. */
  groupColumn: string;
  /** Value of groupColumn marking the treatment (exposed) arm. */
  treatment: string;
  /** Value of groupColumn marking the control (held-out) arm. */
  control: string;
  /** Column telling whether the visitor converted: 1/0, true/false, yes/no, or a count (> 0 converted). */
  outcome: string;
  /** Optional column with each visitor's revenue (0 for visitors who bought nothing). */
  revenue?: string;
  /** Bootstrap seed (default 1). */
  seed?: number;
  /** Bootstrap resamples for revenue (default 2000; 0 skips it). */
  bootstrapIterations?: number;
}

const MAX_VALUES_LISTED = 12;

/** Computes a full lift report (rates, lifts, intervals, p-values, revenue) from one row per visitor. */
export function liftFromRows(rows: Iterable<LiftRow>, options: LiftOptions): LiftReport {
  const { groupColumn, outcome, revenue } = options;
  const treatment = options.treatment.trim();
  const control = options.control.trim();
  if (treatment === control) {
    throw new StatsInputError('same_arms', `treatment and control are the same value "${treatment}"`);
  }
  const counts = { treatment: { n: 0, conversions: 0 }, control: { n: 0, conversions: 0 } };
  const revenues: { treatment: number[]; control: number[] } = { treatment: [], control: [] };
  const seenValues = new Set<string>();
  let rowNumber = 0;
  for (const row of rows) {
    rowNumber++;
    if (rowNumber === 1)
      checkColumns(row, [groupColumn, outcome, ...(revenue === undefined ? [] : [revenue])]);
    const group = cellText(row[groupColumn]);
    if (seenValues.size < MAX_VALUES_LISTED) seenValues.add(group);
    const arm = group === treatment ? 'treatment' : group === control ? 'control' : null;
    if (arm === null) continue;
    const converted = parseOutcome(row[outcome]);
    if (converted === null) {
      throw new StatsInputError(
        'bad_outcome',
        `outcome column "${outcome}" must hold 0/1, true/false or a non-negative number; data row ${rowNumber} has ${quote(row[outcome])}`,
      );
    }
    counts[arm].n++;
    if (converted) counts[arm].conversions++;
    if (revenue !== undefined) {
      const amount = parseAmount(row[revenue]);
      if (amount === null) {
        throw new StatsInputError(
          'bad_revenue',
          `revenue column "${revenue}" must hold numbers; data row ${rowNumber} has ${quote(row[revenue])}`,
        );
      }
      revenues[arm].push(amount);
    }
  }
  if (rowNumber === 0) throw new StatsInputError('no_rows', 'there are no data rows');
  for (const arm of ['treatment', 'control'] as const) {
    if (counts[arm].n === 0) {
      const value = arm === 'treatment' ? treatment : control;
      const listed = [...seenValues].map((v) => `"${v}"`).join(', ');
      throw new StatsInputError(
        `${arm}_not_found`,
        `${arm} value "${value}" does not occur in column "${groupColumn}" (values seen: ${listed})`,
      );
    }
  }

  const report: LiftReport = compareProportions(
    { ...counts.treatment, label: treatment },
    { ...counts.control, label: control },
    options,
  );
  if (revenue !== undefined) {
    report.revenue = compareRevenue(revenues.treatment, revenues.control, {
      confidenceLevel: report.confidenceLevel,
      bootstrapIterations: options.bootstrapIterations,
      seed: options.seed,
      enoughData: report.enoughData,
    });
    report.treatment.revenue = report.revenue.treatment.total;
    report.treatment.revenuePerVisitor = report.revenue.treatment.perVisitor;
    report.control.revenue = report.revenue.control.total;
    report.control.revenuePerVisitor = report.revenue.control.perVisitor;
  }
  return report;
}

function checkColumns(row: LiftRow, wanted: string[]): void {
  for (const column of wanted) {
    if (!Object.hasOwn(row, column)) {
      const available = Object.keys(row)
        .map((c) => `"${c}"`)
        .join(', ');
      throw new StatsInputError('unknown_column', `unknown column "${column}" (columns: ${available})`);
    }
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).trim();
}

function quote(value: unknown): string {
  if (value === undefined || value === null) return 'no value';
  const text = String(value);
  return text.trim() === '' ? 'an empty value' : `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}

// A visitor converted when the outcome is true/yes or a positive number; null when unreadable.
function parseOutcome(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value > 0 : null;
  if (typeof value === 'bigint') return value >= 0n ? value > 0n : null;
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === 'yes') return true;
  if (text === 'false' || text === 'no') return false;
  if (text === '') return null;
  const number = Number(text);
  return Number.isFinite(number) && number >= 0 ? number > 0 : null;
}

function parseAmount(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string' || value.trim() === '') return null;
  const number = Number(value.trim());
  return Number.isFinite(number) ? number : null;
}
