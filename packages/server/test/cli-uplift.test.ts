import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Command, CommanderError } from 'commander';
import { registerModelCommand } from '../src/cli/model-command.ts';
import { runCli } from './helpers/cli.ts';
import { sharedData } from './helpers/shared-data.ts';

const HILLSTROM = sharedData('hillstrom.csv');
const dir = mkdtempSync(join(tmpdir(), 'beckon-uplift-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Runs `beckon model uplift …` in process, capturing output and the exit code.
async function uplift(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('beckon')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerModelCommand(program);
  try {
    await program.parseAsync(['model', 'uplift', ...args], { from: 'user' });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof CommanderError) return { exitCode: error.exitCode, stdout, stderr };
    throw error;
  }
}

const womens = (csv: string, ...more: string[]) =>
  uplift(
    '--csv',
    csv,
    '--treatment-column',
    'segment',
    '--treatment',
    'Womens E-Mail',
    '--control',
    'No E-Mail',
    ...more,
  );

describe('beckon model uplift', () => {
  it('prints held-out Qini and AUUC on Hillstrom as one JSON line and writes one uplift per row', async () => {
    const out = join(dir, 'uplift.txt');
    const r = await womens(HILLSTROM, '--outcome', 'visit', '--folds', '2', '--seed', '3', '--out', out);
    assert.equal(r.exitCode, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const json = JSON.parse(lines[0]);
    for (const key of ['qini', 'auuc', 'qini_random', 'qini_propensity'])
      assert.equal(typeof json[key], 'number', key);
    assert.ok(json.qini > json.qini_random + 0.02, `qini ${json.qini}, random ${json.qini_random}`);
    assert.ok(json.qini > json.qini_propensity, `propensity ${json.qini_propensity}`);
    assert.deepEqual([json.rows, json.treated, json.controls, json.ignored], [64000, 21387, 21306, 21307]);
    const rows = readFileSync(HILLSTROM, 'utf8').trim().split('\n').length - 1;
    const predictions = readFileSync(out, 'utf8').trim().split('\n').map(Number);
    assert.equal(predictions.length, rows);
    assert.ok(predictions.every((u) => Number.isFinite(u) && Math.abs(u) < 1));
  });

  it('refuses bad input with one line on stderr and exit code 2', async () => {
    const small = join(dir, 'small.csv');
    writeFileSync(small, readFileSync(HILLSTROM, 'utf8').split('\n').slice(0, 301).join('\n'));
    const cases: [string[], RegExp][] = [
      [['--outcome', 'clicks'], /no column "clicks"/],
      [['--outcome', 'spend'], /outcome "spend" must be 0 or 1, found "[\d.]+" on data row \d+/],
      [['--outcome', 'visit', '--folds', '20'], /has \d+ rows; 20 folds need at least 200/],
      [['--outcome', 'visit', '--folds', '1'], /--folds must be an integer from 2 to 20/],
      [['--outcome', 'visit', '--exclude', 'nosuch'], /--exclude names no column "nosuch"/],
      [['--outcome', 'visit', '--treatment', 'SMS'], /no row has segment = "SMS"/],
      [['--outcome', 'visit', '--treatment-column', 'arm'], /no column "arm"/],
      [[], /missing --outcome/],
    ];
    for (const [extra, message] of cases) {
      const r = await womens(small, ...extra);
      assert.equal(r.exitCode, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.equal((await womens(join(dir, 'none.csv'), '--outcome', 'visit')).exitCode, 2);
    // The installed command exits with the same code.
    const r = runCli(['model', 'uplift', '--csv', small, '--treatment-column', 'segment']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing --treatment/);
  });
});
