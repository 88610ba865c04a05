// `beckon model evaluate|train`: the purchase-propensity model's training pipeline run offline on a
// file in the UCI online-shoppers format. Output goes through commander's output configuration so
// the entry point (and tests) decide where it lands.
import { readFileSync, writeFileSync } from 'node:fs';
import { UCI_LIVE_FEATURES } from '@beckon/core/features/index';
import {
  type CrossValidationResult,
  crossValidate,
  type FoldResult,
  modelToJson,
  parseUciCsv,
  toDataset,
  toUciLiveDataset,
  trainModel,
} from '@beckon/core/model/index';
import type { Command } from 'commander';
import { INPUT_ERROR_EXIT, integerOption, ModelInputError, output, run } from './model-cli-support.ts';
import { type StoreFlags, storeOptions } from './options.ts';
import { registerUpliftCommand } from './uplift-command.ts';

/** Figures published for this data set, printed beside ours (see shared/data/README.md). */
const PUBLISHED = [
  ['tuned HistGradientBoosting, stratified 5-fold', '0.933–0.934', '~0.75'],
  ['XGBoost (Abdullah-All-Tanvir et al., Heliyon 2023)', '0.937', '0.754'],
] as const;

interface EvaluateOptions {
  dataset?: string;
  folds?: string;
  seed?: string;
  json?: boolean;
  features?: string;
}

interface TrainOptions extends StoreFlags {
  dataset?: string;
  out?: string;
  account?: string;
}

/** Adds `model evaluate` (stratified K-fold cross-validation) and `model train` (fit and save) to the CLI. */
export function registerModelCommand(program: Command): void {
  const model =
    program.commands.find((c) => c.name() === 'model') ??
    program.command('model').description('the purchase-propensity model, trained and evaluated offline');
  model
    .command('evaluate')
    .description('stratified K-fold cross-validation of the training pipeline on a UCI-format CSV')
    .option('--dataset <file>', 'CSV in the UCI online-shoppers format, with the Revenue label (required)')
    .option('--folds <k>', 'number of folds, 2–20 (default 5)')
    .option('--seed <s>', 'seed for the fold split and row sampling, an integer (default 1)')
    .option('--json', 'print one JSON object (flat keys) as the last line instead of the table')
    .option(
      '--features <set>',
      'uci: all 17 columns of the file (default); live: the 13 a tag reproduces, as the shipped model reads them',
    )
    .showHelpAfterError(false)
    .action(function (this: Command, options: EvaluateOptions) {
      run(this, () => evaluate(this, options));
    });
  storeOptions(
    model
      .command('train')
      .description(
        'train on a whole UCI-format CSV and write the model as JSON, or (--account) train an account’s own model from its sessions in the store',
      )
      .option('--dataset <file>', 'CSV in the UCI online-shoppers format, with the Revenue label')
      .option('--out <file>', 'where to write the model JSON (with --dataset)')
      .option(
        '--account <id>',
        'train this account’s model on its finished sessions and activate it if not worse',
      ),
  )
    .showHelpAfterError(false)
    .action(async function (this: Command, options: TrainOptions) {
      if (options.account !== undefined) {
        if (options.dataset !== undefined) {
          this.error('error: use either --account or --dataset', { exitCode: INPUT_ERROR_EXIT });
        }
        const { trainAccount } = await import('./model-account-command.ts');
        process.exitCode = await trainAccount(this, { ...options, account: options.account });
        return;
      }
      run(this, () => train(this, options));
    });
  registerUpliftCommand(model);
}

function loadDataset(path: string | undefined, features: 'uci' | 'live' = 'uci') {
  if (path === undefined) throw new ModelInputError('missing --dataset');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ModelInputError(
      `cannot read dataset "${path}": ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  try {
    const sessions = parseUciCsv(text);
    const data =
      features === 'live'
        ? { ...toUciLiveDataset(sessions), featureNames: UCI_LIVE_FEATURES }
        : { ...toDataset(sessions), featureNames: undefined };
    if (data.features.length === 0) throw new Error('no sessions');
    return data;
  } catch (error) {
    throw new ModelInputError(`dataset "${path}": ${error instanceof Error ? error.message : error}`);
  }
}

function evaluate(command: Command, options: EvaluateOptions): void {
  const folds = integerOption(options.folds, '--folds', 5, 2, 20);
  const seed = integerOption(options.seed, '--seed', 1, 0, 2 ** 32 - 1);
  const set = options.features ?? 'uci';
  if (set !== 'uci' && set !== 'live')
    throw new ModelInputError(`--features must be uci or live, got "${set}"`);
  const { features, labels, featureNames } = loadDataset(options.dataset, set);
  const write = output(command);
  const started = performance.now();
  let result: CrossValidationResult;
  try {
    result = crossValidate(features, labels, {
      folds,
      seed,
      ...(featureNames ? { train: { featureNames } } : {}),
      onFold: options.json
        ? undefined
        : (f) => write(`fold ${f.fold + 1}/${folds}: AUROC ${f.auroc.toFixed(4)}\n`),
    });
  } catch (error) {
    // Too few purchases to stratify, for instance.
    if (error instanceof RangeError) throw new ModelInputError(error.message);
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  const m = result.mean;
  const positives = labels.reduce((s, y) => s + y, 0);
  if (!options.json) {
    write(formatTable(result, { rows: features.length, positives, folds, seed, seconds }));
    return;
  }
  const json = {
    auroc: m.auroc,
    aupr: m.aupr,
    f1: m.f1,
    accuracy: m.accuracy,
    brier: m.brier,
    threshold: m.threshold,
    oracle_f1: m.oracleF1,
    auroc_min: Math.min(...result.folds.map((f) => f.auroc)),
    auroc_max: Math.max(...result.folds.map((f) => f.auroc)),
    folds,
    seed,
    features: set,
    rows: features.length,
    positives,
    seconds: Math.round(seconds * 100) / 100,
  };
  write(`${JSON.stringify(json)}\n`);
}

function train(command: Command, options: TrainOptions): void {
  if (options.out === undefined) throw new ModelInputError('missing --out');
  const { features, labels } = loadDataset(options.dataset);
  const started = performance.now();
  let model: ReturnType<typeof trainModel>;
  try {
    model = trainModel(features, labels);
  } catch (error) {
    if (error instanceof RangeError) throw new ModelInputError(error.message);
    throw error;
  }
  const text = `${JSON.stringify(modelToJson(model))}\n`;
  try {
    writeFileSync(options.out, text);
  } catch (error) {
    throw new ModelInputError(
      `cannot write "${options.out}": ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  output(command)(
    `trained on ${features.length} sessions (${model.training.positives} purchases) in ${seconds} s: ` +
      `${model.forest.roots.length} trees, likely-buyer threshold ${model.threshold.toFixed(3)}; ` +
      `wrote ${options.out} (${(text.length / 1024).toFixed(0)} KB)\n`,
  );
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '))
    .join('\n');
}

function metricCells(f: Pick<FoldResult, 'auroc' | 'aupr' | 'f1' | 'accuracy' | 'brier' | 'threshold'>) {
  return [f.auroc, f.aupr, f.f1, f.accuracy, f.brier, f.threshold].map((v) => v.toFixed(4));
}

/** The human-readable report printed without `--json`. */
export function formatTable(
  result: CrossValidationResult,
  run: { rows: number; positives: number; folds: number; seed: number; seconds: number },
): string {
  const header = ['fold', 'sessions', 'purchases', 'AUROC', 'AUPR', 'F1', 'accuracy', 'Brier', 'threshold'];
  const rows = [header];
  for (const f of result.folds)
    rows.push([String(f.fold + 1), String(f.rows), String(f.positives), ...metricCells(f)]);
  rows.push(['mean', String(run.rows), String(run.positives), ...metricCells(result.mean)]);
  const published = PUBLISHED.map(([who, auroc, aupr]) => `  ${who}: AUROC ${auroc}, AUPR ${aupr}`).join(
    '\n',
  );
  return (
    `\nstratified ${run.folds}-fold cross-validation, seed ${run.seed}, ${run.seconds.toFixed(1)} s\n\n` +
    `${table(rows)}\n\n` +
    'F1 and accuracy are measured at the likely-buyer threshold each model chose on its own training folds;\n' +
    `the best F1 any threshold reaches on the test folds averages ${result.mean.oracleF1.toFixed(4)}.\n` +
    `published on this data:\n${published}\n`
  );
}
