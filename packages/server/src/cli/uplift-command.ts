// `beckon model uplift`: the uplift model evaluated offline on a randomised experiment in any CSV.
// One column names each row's arm; rows of the treatment and control values are compared, rows of
// any other value are ignored (but still get a prediction in --out). Every figure is out-of-fold.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  CONTROL,
  evaluateUplift,
  IGNORED,
  RANDOM_ROUNDS,
  TREATED,
  tableFeatures,
} from '@beckon/core/model/index';
import { type CsvTable, parseCsvTable } from '@beckon/core/stats/index';
import type { Command } from 'commander';
import { integerOption, ModelInputError, output, run } from './model-cli-support.ts';

/** Columns left out of the features unless --exclude says otherwise: Hillstrom's outcomes. */
export const DEFAULT_EXCLUDE = ['visit', 'conversion', 'spend'];
/** Fewest rows each arm needs per fold, so every training fold holds a usable sample of both arms. */
export const MIN_ARM_ROWS_PER_FOLD = 10;

interface UpliftOptions {
  csv?: string;
  treatmentColumn?: string;
  treatment?: string;
  control?: string;
  outcome?: string;
  folds?: string;
  seed?: string;
  exclude?: string;
  out?: string;
}

/** Adds `model uplift` under `model`. */
export function registerUpliftCommand(model: Command): void {
  model
    .command('uplift')
    .description(
      'out-of-fold Qini coefficient and AUUC of the two-model uplift learner on a randomised experiment CSV, ' +
        'printed as one JSON line beside random targeting and targeting by outcome propensity. ' +
        'Coefficients are scikit-uplift’s qini_auc_score (negative_effect=True) and uplift_auc_score: ' +
        'area between the curve and the random line, divided by that of the perfect ranking',
    )
    .option('--csv <file>', 'CSV with a header row (required)')
    .option('--treatment-column <name>', 'column holding each row’s arm (required)')
    .option('--treatment <value>', 'arm value of exposed rows (required)')
    .option('--control <value>', 'arm value of control rows (required); rows of other values are ignored')
    .option('--outcome <name>', '0/1 column the engagement should raise (required)')
    .option('--folds <k>', 'cross-fitting folds, 2–20, stratified by arm × outcome (default 5)')
    .option('--seed <s>', 'seed for folds, row sampling and the random reference, an integer (default 1)')
    .option(
      '--exclude <columns>',
      `comma-separated columns kept out of the features besides the arm and outcome (default ${DEFAULT_EXCLUDE.join(',')}; "" for none)`,
    )
    .option(
      '--out <file>',
      'write each row’s out-of-fold predicted uplift, one a line in file order; ignored-arm rows get the mean of the fold models',
    )
    .addHelpText(
      'after',
      '\nQini curve: y_t − y_c·n_t/n_c over the n customers with the highest predicted uplift (ties form one step).\n' +
        'Uplift curve: (y_t/n_t − y_c/n_c)·n. qini and auuc: trapezoid area between the curve and the straight\n' +
        'line to its end point, divided by the same area for the perfect ranking (random 0, perfect 1).\n' +
        `qini_random: mean over ${RANDOM_ROUNDS} seeded random orders. qini_propensity: ranking by an out-of-fold\n` +
        'model of the outcome trained on both arms together. Only treatment and control rows are scored.\n',
    )
    .showHelpAfterError(false)
    .action(function (this: Command, options: UpliftOptions) {
      run(this, () => uplift(this, options));
    });
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new ModelInputError(`missing ${flag}`);
  return value;
}

function readTable(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ModelInputError(`cannot read "${path}": ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return parseCsvTable(text);
  } catch (error) {
    throw new ModelInputError(`"${path}": ${error instanceof Error ? error.message : error}`);
  }
}

/** Arm and 0/1 outcome of every row, checked: both arm values present, outcome binary, arms large enough. */
function armsAndOutcome(
  table: CsvTable,
  o: { column: string; treatment: string; control: string; outcome: string; folds: number },
) {
  for (const name of [o.column, o.outcome]) {
    if (!table.columns.includes(name)) throw new ModelInputError(`no column "${name}" in the CSV`);
  }
  if (o.treatment === o.control) throw new ModelInputError('--treatment and --control are the same value');
  const arm = new Int8Array(table.rows.length);
  const outcome = new Uint8Array(table.rows.length);
  const counts = { [TREATED]: 0, [CONTROL]: 0 };
  table.rows.forEach((row, i) => {
    const value = row[o.column].trim();
    arm[i] = value === o.treatment ? TREATED : value === o.control ? CONTROL : IGNORED;
    if (arm[i] === IGNORED) return;
    counts[arm[i] as 0 | 1]++;
    const y = row[o.outcome].trim();
    if (y !== '0' && y !== '1') {
      throw new ModelInputError(
        `outcome "${o.outcome}" must be 0 or 1, found ${JSON.stringify(y)} on data row ${i + 1}`,
      );
    }
    outcome[i] = y === '1' ? 1 : 0;
  });
  const least = MIN_ARM_ROWS_PER_FOLD * o.folds;
  for (const [value, n] of [
    [o.treatment, counts[TREATED]],
    [o.control, counts[CONTROL]],
  ] as const) {
    if (n === 0) throw new ModelInputError(`no row has ${o.column} = "${value}"`);
    if (n < least) {
      throw new ModelInputError(
        `${o.column} = "${value}" has ${n} rows; ${o.folds} folds need at least ${least}`,
      );
    }
  }
  let responders = 0;
  let compared = 0;
  for (let i = 0; i < arm.length; i++) {
    if (arm[i] === IGNORED) continue;
    compared++;
    responders += outcome[i];
  }
  if (responders === 0 || responders === compared) {
    throw new ModelInputError(`outcome "${o.outcome}" is ${responders === 0 ? 0 : 1} on every compared row`);
  }
  return { arm, outcome, counts, compared };
}

function uplift(command: Command, options: UpliftOptions): void {
  const path = required(options.csv, '--csv');
  const column = required(options.treatmentColumn, '--treatment-column');
  const treatment = required(options.treatment, '--treatment');
  const control = required(options.control, '--control');
  const outcomeName = required(options.outcome, '--outcome');
  const folds = integerOption(options.folds, '--folds', 5, 2, 20);
  const seed = integerOption(options.seed, '--seed', 1, 0, 2 ** 32 - 1);
  const exclude = new Set(
    options.exclude === undefined
      ? DEFAULT_EXCLUDE
      : options.exclude
          .split(',')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
  );
  const started = performance.now();
  const table = readTable(path);
  const { arm, outcome, counts, compared } = armsAndOutcome(table, {
    column,
    treatment,
    control,
    outcome: outcomeName,
    folds,
  });
  for (const name of exclude) {
    if (!table.columns.includes(name) && options.exclude !== undefined)
      throw new ModelInputError(`--exclude names no column "${name}"`);
  }
  exclude.add(column);
  exclude.add(outcomeName);
  let features: ReturnType<typeof tableFeatures>;
  try {
    features = tableFeatures(table, exclude);
  } catch (error) {
    throw new ModelInputError(error instanceof Error ? error.message : String(error));
  }
  if (features.names.length === 0) throw new ModelInputError('no feature columns are left');
  const result = evaluateUplift(features.rows, arm, outcome, { folds, seed });
  if (options.out !== undefined) {
    const lines = Array.from(result.uplift, (u) => `${u}\n`).join('');
    try {
      writeFileSync(options.out, lines);
    } catch (error) {
      throw new ModelInputError(
        `cannot write "${options.out}": ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
  }
  const round = (x: number) => Number(x.toFixed(6));
  const json = {
    qini: round(result.qini),
    auuc: round(result.auuc),
    qini_random: round(result.qiniRandom),
    qini_propensity: round(result.qiniPropensity),
    auuc_random: round(result.auucRandom),
    auuc_propensity: round(result.auucPropensity),
    normalisation: 'sklift: (area over random line) / (same for perfect ranking)',
    random_rounds: RANDOM_ROUNDS,
    treatment,
    control,
    outcome: outcomeName,
    rows: table.rows.length,
    treated: counts[TREATED],
    controls: counts[CONTROL],
    ignored: table.rows.length - compared,
    features: features.names.length,
    folds,
    seed,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
  output(command)(`${JSON.stringify(json)}\n`);
}
