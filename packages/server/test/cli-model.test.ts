import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './helpers/cli.ts';
import { sharedData } from './helpers/shared-data.ts';

const UCI = sharedData('online_shoppers_intention.csv');

describe('beckon model evaluate', () => {
  it('cross-validates the training pipeline on the UCI sessions and prints one JSON object last', () => {
    const r = runCli(['model', 'evaluate', '--dataset', UCI, '--folds', '3', '--seed', '11', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    for (const key of ['auroc', 'aupr', 'f1', 'accuracy', 'brier'])
      assert.equal(typeof last[key], 'number', key);
    assert.equal(last.folds, 3);
    assert.equal(last.rows, 12330);
    assert.ok(last.auroc >= 0.92, `AUROC ${last.auroc}`);
    assert.ok(last.brier < 0.1, `Brier ${last.brier}`);
  });

  it('evaluates the live feature set the shipped model reads', () => {
    const r = runCli([
      'model',
      'evaluate',
      '--dataset',
      UCI,
      '--folds',
      '3',
      '--seed',
      '5',
      '--features',
      'live',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(last.features, 'live');
    assert.ok(last.auroc >= 0.92, `AUROC ${last.auroc}`);
    assert.equal(runCli(['model', 'evaluate', '--dataset', UCI, '--features', 'all']).code, 2);
  });

  it('refuses a missing file and bad folds with exit code 2', () => {
    assert.equal(runCli(['model', 'evaluate', '--dataset', '/nonexistent.csv']).code, 2);
    assert.equal(runCli(['model', 'evaluate', '--dataset', UCI, '--folds', '1']).code, 2);
  });
});
