// `beckon analytics lift`: the control-group lift statistics of the reports, run offline on any
// experiment file (one row per visitor). Output goes through commander's output configuration so
// the entry point (and tests) decide where it lands.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { csvRows, type LiftReport, liftFromRows, StatsInputError } from '@beckon/core/stats/index';
import type { Command } from 'commander';

const INPUT_ERROR_EXIT = 2;
const CHUNK_BYTES = 1 << 20;

interface LiftCommandOptions {
  csv?: string;
  groupColumn?: string;
  treatment?: string;
  control?: string;
  outcome?: string;
  revenue?: string;
  seed?: string;
  bootstrapIterations?: string;
  minVisitors?: string;
  minConversions?: string;
  json?: boolean;
}

/** Adds `analytics lift` to the CLI: conversion and revenue lift of a treatment over a control. */
export function registerAnalyticsCommand(program: Command): void {
  const analytics =
    program.commands.find((c) => c.name() === 'analytics') ??
    program.command('analytics').description('analytics computed offline');
  analytics
    .command('lift')
    .description('lift of a treatment over a control in an experiment CSV (one row per visitor)')
    .option('--csv <file>', 'experiment CSV file with a header row (required)')
    .option('--group-column <column>', 'column naming each visitor’s arm (required)')
    .option('--treatment <value>', 'group value of the treatment arm (required)')
    .option('--control <value>', 'group value of the control arm (required)')
    .option('--outcome <column>', 'conversion column: 1/0, true/false or a count, >0 converted (required)')
    .option('--revenue <column>', 'revenue per visitor column (0 for no purchase)')
    .option('--seed <n>', 'bootstrap seed, an integer (default 1)')
    .option('--bootstrap-iterations <n>', 'bootstrap resamples for revenue (default 2000, 0 to skip)')
    .option('--min-visitors <n>', 'visitors per arm needed for a verdict (default 100)')
    .option('--min-conversions <n>', 'conversions in both arms together needed for a verdict (default 10)')
    .option('--json', 'print one JSON object (flat keys) instead of the table')
    .showHelpAfterError(false)
    .action(function (this: Command, options: LiftCommandOptions) {
      runLift(this, options);
    });
}

function runLift(command: Command, options: LiftCommandOptions): void {
  let report: LiftReport;
  try {
    const missing = (['csv', 'groupColumn', 'treatment', 'control', 'outcome'] as const).filter(
      (key) => options[key] === undefined,
    );
    if (missing.length > 0)
      throw new StatsInputError('missing_option', `missing ${missing.map(flag).join(', ')}`);
    report = liftFromRows(csvRows(readChunks(options.csv!)), {
      groupColumn: options.groupColumn!,
      treatment: options.treatment!,
      control: options.control!,
      outcome: options.outcome!,
      revenue: options.revenue,
      seed: integerOption(options.seed, '--seed', 0, 2 ** 32 - 1),
      bootstrapIterations: integerOption(options.bootstrapIterations, '--bootstrap-iterations', 0, 1_000_000),
      minimumSample: {
        visitorsPerArm: integerOption(options.minVisitors, '--min-visitors', 0, Number.MAX_SAFE_INTEGER),
        totalConversions: integerOption(
          options.minConversions,
          '--min-conversions',
          0,
          Number.MAX_SAFE_INTEGER,
        ),
      },
    });
  } catch (error) {
    const input = error instanceof StatsInputError || isFileError(error);
    const message = error instanceof Error ? error.message : String(error);
    command.error(`error: ${input ? message : `unexpected failure: ${message}`}`.replace(/\s*\n\s*/g, ' '), {
      exitCode: input ? INPUT_ERROR_EXIT : 1,
      code: input ? 'beckon.analytics.input' : 'beckon.analytics.failure',
    });
  }
  const write = command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
  if (options.json) write(`${JSON.stringify(flatLiftJson(report, options))}\n`);
  else write(formatLiftTable(report, options));
}

function flag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function integerOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < min || number > max) {
    throw new StatsInputError(
      'bad_option',
      `${name} must be an integer from ${min} to ${max}, got "${value}"`,
    );
  }
  return number;
}

// Reads a file as UTF-8 text in 1 MiB pieces, so the CSV is parsed while it is read.
function* readChunks(path: string): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new StatsInputError(
      'file_unreadable',
      `cannot read CSV file "${path}": ${describeFileError(error)}`,
    );
  }
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    for (;;) {
      let bytes: number;
      try {
        bytes = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      } catch (error) {
        throw new StatsInputError(
          'file_unreadable',
          `cannot read CSV file "${path}": ${describeFileError(error)}`,
        );
      }
      if (bytes === 0) break;
      yield decoder.write(buffer.subarray(0, bytes));
    }
    yield decoder.end();
  } finally {
    closeSync(fd);
  }
}

function isFileError(error: unknown): boolean {
  return (
    error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'syscall' in error
  );
}

function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** The flat JSON object printed by `--json`: one key per figure, snake_case, numbers unrounded. */
export function flatLiftJson(report: LiftReport, options: { groupColumn?: string; outcome?: string } = {}) {
  const json: Record<string, string | number | boolean | null> = {
    group_column: options.groupColumn ?? null,
    outcome: options.outcome ?? null,
    treatment: report.treatment.label,
    control: report.control.label,
    treatment_n: report.treatment.n,
    treatment_conversions: report.treatment.conversions,
    treatment_rate: report.treatment.rate,
    control_n: report.control.n,
    control_conversions: report.control.conversions,
    control_rate: report.control.rate,
    absolute_lift: report.absoluteLift.estimate,
    absolute_lift_ci_low: report.absoluteLift.ci[0],
    absolute_lift_ci_high: report.absoluteLift.ci[1],
    absolute_lift_method: report.absoluteLift.method,
    relative_lift: report.relativeLift.estimate,
    relative_lift_ci_low: report.relativeLift.ci?.[0] ?? null,
    relative_lift_ci_high: report.relativeLift.ci?.[1] ?? null,
    relative_lift_method: report.relativeLift.method,
    z: report.z,
    p_value: report.pValue,
    confidence_level: report.confidenceLevel,
    significant: report.significant,
    enough_data: report.enoughData,
    verdict: report.verdict,
  };
  const revenue = report.revenue;
  if (revenue) {
    Object.assign(json, {
      treatment_revenue: revenue.treatment.total,
      control_revenue: revenue.control.total,
      treatment_revenue_per_visitor: revenue.treatment.perVisitor,
      control_revenue_per_visitor: revenue.control.perVisitor,
      revenue_lift: revenue.difference.estimate,
      revenue_lift_ci_low: revenue.difference.ci?.[0] ?? null,
      revenue_lift_ci_high: revenue.difference.ci?.[1] ?? null,
      revenue_p_value: revenue.pValue,
      revenue_method: revenue.difference.method,
      revenue_welch_df: revenue.welch?.df ?? null,
      revenue_significant: revenue.significant,
      revenue_relative_lift: revenue.relativeDifference,
      revenue_bootstrap_ci_low: revenue.bootstrap?.ci[0] ?? null,
      revenue_bootstrap_ci_high: revenue.bootstrap?.ci[1] ?? null,
      revenue_bootstrap_p_value: revenue.bootstrap?.pValue ?? null,
      bootstrap_iterations: revenue.bootstrap?.iterations ?? 0,
      seed: revenue.bootstrap?.seed ?? null,
    });
  }
  return json;
}

const integer = new Intl.NumberFormat('en-US');
const amount = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const VERDICTS: Record<LiftReport['verdict'], string> = {
  not_enough_data: 'not enough data yet',
  treatment_better: 'treatment converts better (significant)',
  control_better: 'control converts better (significant)',
  no_significant_difference: 'no significant difference',
};

function signed(value: number, digits: number, unit = ''): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}${unit}`;
}

function pValueText(p: number | null): string {
  if (p === null) return 'n/a';
  if (p === 0) return '< 1e-300';
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r, row) =>
      r
        .map((cell, i) =>
          row > 0 && i > 1 && /^[-+<\d.,]/.test(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The human-readable report printed without `--json`. */
export function formatLiftTable(report: LiftReport, options: LiftCommandOptions = {}): string {
  const { treatment: t, control: c, absoluteLift: abs, relativeLift: rel } = report;
  const level = `${Math.round(report.confidenceLevel * 100)}% CI`;
  const revenue = report.revenue;
  const arms = [
    ['arm', 'group', 'visitors', 'conversions', 'rate', ...(revenue ? ['revenue', 'per visitor'] : [])],
  ];
  for (const [name, arm] of [
    ['treatment', t],
    ['control', c],
  ] as const) {
    arms.push([
      name,
      arm.label,
      integer.format(arm.n),
      integer.format(arm.conversions),
      `${(arm.rate * 100).toFixed(2)}%`,
      ...(revenue ? [amount.format(arm.revenue ?? 0), (arm.revenuePerVisitor ?? 0).toFixed(4)] : []),
    ]);
  }
  const pp = (x: number) => signed(x * 100, 2, ' pp');
  const pct = (x: number | null | undefined) =>
    x === null || x === undefined ? 'n/a' : signed(x * 100, 2, '%');
  const lifts = [
    ['', '', 'estimate', level, 'method'],
    ['absolute lift', '', pp(abs.estimate), `[${pp(abs.ci[0])}, ${pp(abs.ci[1])}]`, 'Newcombe hybrid score'],
    ['relative lift', '', pct(rel.estimate), `[${pct(rel.ci?.[0])}, ${pct(rel.ci?.[1])}]`, 'log risk ratio'],
    ['p-value', '', pValueText(report.pValue), '', `pooled two-proportion z = ${report.z.toFixed(2)}`],
  ];
  if (revenue) {
    const money = (x: number | undefined) => (x === undefined ? 'n/a' : signed(x, 4));
    const welch = revenue.welch;
    lifts.push([
      'revenue/visitor lift',
      '',
      money(revenue.difference.estimate),
      revenue.difference.ci
        ? `[${money(revenue.difference.ci[0])}, ${money(revenue.difference.ci[1])}]`
        : 'n/a',
      welch
        ? `Welch t, df ${welch.df.toFixed(1)}, p ${pValueText(welch.pValue)}`
        : 'Welch t: needs 2 visitors per arm',
    ]);
    if (revenue.bootstrap) {
      const b = revenue.bootstrap;
      lifts.push([
        '  bootstrap',
        '',
        '',
        `[${money(b.ci[0])}, ${money(b.ci[1])}]`,
        `percentile, ${integer.format(b.iterations)} resamples, seed ${b.seed}, p ${pValueText(b.pValue)}`,
      ]);
    }
  }
  const minimum = report.minimumSample;
  const verdict = report.enoughData
    ? VERDICTS[report.verdict]
    : `${VERDICTS.not_enough_data} (needs ${integer.format(minimum.visitorsPerArm)} visitors per arm and ${integer.format(minimum.totalConversions)} conversions)`;
  const title = `Lift of ${options.groupColumn ?? 'group'} = "${t.label}" over "${c.label}" on ${options.outcome ?? 'outcome'}${options.csv ? ` (${options.csv})` : ''}`;
  return `${title}\n\n${table(arms)}\n\n${table(lifts)}\n\nverdict: ${verdict}\n`;
}
