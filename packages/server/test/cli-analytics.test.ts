import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerAnalyticsCommand } from '../src/cli/analytics-command.ts';

const HILLSTROM = fileURLToPath(new URL('../../../../shared/data/hillstrom.csv', import.meta.url));

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// Runs `beckon analytics lift …` in process, capturing output and the exit code.
async function lift(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const program = new Command('beckon')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerAnalyticsCommand(program);
  try {
    await program.parseAsync(['analytics', 'lift', ...args], { from: 'user' });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof CommanderError) return { exitCode: error.exitCode, stdout, stderr };
    throw error;
  }
}

function lastJson(run: Run): Record<string, unknown> {
  assert.equal(run.exitCode, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const hillstrom = (treatment: string, outcome: string, ...more: string[]) =>
  lift(
    '--csv',
    HILLSTROM,
    '--group-column',
    'segment',
    '--treatment',
    treatment,
    '--control',
    'No E-Mail',
    '--outcome',
    outcome,
    ...more,
  );

const workDir = mkdtempSync(join(tmpdir(), 'beckon-cli-analytics-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

function csvFile(name: string, text: string): string {
  const path = join(workDir, name);
  writeFileSync(path, text);
  return path;
}

describe('beckon analytics lift on the Hillstrom experiment', () => {
  it('prints the README figures as flat JSON on the last line', async () => {
    const mens = lastJson(await hillstrom('Mens E-Mail', 'visit', '--revenue', 'spend', '--json'));
    assert.equal(mens.treatment_n, 21_307);
    assert.equal(mens.control_n, 21_306);
    assert.equal((mens.treatment_rate as number).toFixed(4), '0.1828');
    assert.equal((mens.control_rate as number).toFixed(4), '0.1062');
    assert.equal((mens.treatment_revenue_per_visitor as number).toFixed(2), '1.42');
    assert.equal((mens.control_revenue_per_visitor as number).toFixed(2), '0.65');
    assert.ok((mens.p_value as number) < 1e-10, `p ${mens.p_value}`);
    assert.ok((mens.absolute_lift_ci_low as number) > 0);
    assert.ok(Math.abs((mens.absolute_lift as number) - 0.07658956365153125) < 1e-12);
    assert.ok(Math.abs((mens.absolute_lift_ci_low as number) - 0.06995330808373154) < 1e-10);
    assert.ok(Math.abs((mens.absolute_lift_ci_high as number) - 0.08322674127411137) < 1e-10);
    assert.ok(Math.abs((mens.relative_lift as number) - 0.721404616781399) < 1e-10);
    assert.ok((mens.relative_lift_ci_low as number) > 0.64 && (mens.relative_lift_ci_high as number) < 0.81);
    assert.ok(Math.abs((mens.revenue_lift as number) - 0.7698271558945375) < 1e-10);
    assert.ok(Math.abs((mens.revenue_lift_ci_low as number) - 0.4851397325684076) < 1e-8);
    assert.ok(Math.abs((mens.revenue_lift_ci_high as number) - 1.0545145792206658) < 1e-8);
    assert.ok(Math.abs((mens.revenue_p_value as number) - 1.163814968225482e-7) < 1e-13);
    assert.equal(mens.significant, true);

    const womens = lastJson(await hillstrom('Womens E-Mail', 'conversion', '--json'));
    assert.equal(womens.treatment_n, 21_387);
    assert.equal(((womens.treatment_rate as number) * 100).toFixed(2), '0.88');
    assert.equal(((womens.control_rate as number) * 100).toFixed(2), '0.57');
    assert.equal(womens.revenue_lift, undefined, 'no revenue keys without --revenue');
  });

  it('prints a readable table without --json', async () => {
    const run = await hillstrom('Mens E-Mail', 'visit', '--revenue', 'spend');
    assert.equal(run.exitCode, 0);
    for (const text of [
      'Mens E-Mail',
      '21,307',
      '18.28%',
      '10.62%',
      '+7.66 pp',
      'Newcombe',
      'Welch',
      'bootstrap',
      'treatment converts better',
    ]) {
      assert.ok(run.stdout.includes(text), `table lacks ${text}:\n${run.stdout}`);
    }
    assert.equal(run.stderr, '');
  });

  it('gives the same bootstrap interval for the same seed, another for another seed', async () => {
    const args = ['--revenue', 'spend', '--json', '--bootstrap-iterations', '500'];
    const a = lastJson(await hillstrom('Womens E-Mail', 'visit', ...args, '--seed', '7'));
    const b = lastJson(await hillstrom('Womens E-Mail', 'visit', ...args, '--seed', '7'));
    const c = lastJson(await hillstrom('Womens E-Mail', 'visit', ...args, '--seed', '8'));
    assert.equal(a.revenue_bootstrap_ci_low, b.revenue_bootstrap_ci_low);
    assert.equal(a.seed, 7);
    assert.equal(a.bootstrap_iterations, 500);
    assert.notEqual(a.revenue_bootstrap_ci_low, c.revenue_bootstrap_ci_low);
  });
});

describe('beckon analytics lift on constructed data', () => {
  // 56 of 70 converted against 48 of 80 (Newcombe 1998's first example), quoted group values.
  const rows = ['"arm, name",converted'];
  for (let i = 0; i < 70; i++) rows.push(`"exposed, A",${i < 56 ? 1 : 0}`);
  for (let i = 0; i < 80; i++) rows.push(`control,${i < 48 ? 'true' : 'false'}`);
  const path = csvFile('newcombe.csv', `${rows.join('\r\n')}\r\n`);
  const run = (...more: string[]) =>
    lift(
      '--csv',
      path,
      '--group-column',
      'arm, name',
      '--treatment',
      'exposed, A',
      '--control',
      'control',
      '--outcome',
      'converted',
      ...more,
    );

  it('reports the known interval and p-value', async () => {
    const json = lastJson(await run('--json'));
    assert.equal(json.treatment_n, 70);
    assert.equal(json.treatment_rate, 0.8);
    assert.equal(json.control_rate, 0.6);
    assert.ok(Math.abs((json.absolute_lift_ci_low as number) - 0.0524) < 5e-5);
    assert.ok(Math.abs((json.absolute_lift_ci_high as number) - 0.3339) < 5e-5);
    assert.ok(Math.abs((json.p_value as number) - 0.00804508136819656) < 1e-12);
    assert.equal(json.enough_data, false, '70 visitors < default 100');
    assert.equal(json.verdict, 'not_enough_data');
  });

  it('takes the minimum sample from options', async () => {
    const json = lastJson(await run('--json', '--min-visitors', '50'));
    assert.equal(json.enough_data, true);
    assert.equal(json.verdict, 'treatment_better');
    const table = await run('--min-visitors', '500');
    assert.ok(table.stdout.includes('not enough data yet (needs 500 visitors per arm'), table.stdout);
  });
});

describe('beckon analytics lift on bad input', () => {
  const good = [
    '--group-column',
    'segment',
    '--treatment',
    'Mens E-Mail',
    '--control',
    'No E-Mail',
    '--outcome',
    'visit',
  ];
  const replace = (flag: string, value: string) => {
    const args = ['--csv', HILLSTROM, ...good];
    args[args.indexOf(flag) + 1] = value;
    return args;
  };
  const cases: [string, string[], RegExp][] = [
    [
      'missing file',
      ['--csv', join(workDir, 'absent.csv'), ...good],
      /cannot read CSV file ".*absent\.csv": no such file/,
    ],
    ['directory', ['--csv', workDir, ...good], /it is a directory/],
    [
      'unknown group column',
      replace('--group-column', 'segmnt'),
      /unknown column "segmnt" \(columns: .*"segment"/,
    ],
    ['unknown outcome column', replace('--outcome', 'visits'), /unknown column "visits"/],
    [
      'absent treatment value',
      replace('--treatment', 'Mens'),
      /treatment value "Mens" does not occur in column "segment"/,
    ],
    ['absent control value', replace('--control', 'None'), /control value "None" does not occur/],
    [
      'non-numeric outcome',
      replace('--outcome', 'channel'),
      /outcome column "channel" must hold 0\/1.*"(Phone|Web|Multichannel)"/,
    ],
    [
      'non-numeric revenue',
      ['--csv', HILLSTROM, ...good, '--revenue', 'zip_code'],
      /revenue column "zip_code" must hold numbers/,
    ],
    [
      'missing options',
      ['--csv', HILLSTROM, '--outcome', 'visit'],
      /missing --group-column, --treatment, --control/,
    ],
    ['bad seed', ['--csv', HILLSTROM, ...good, '--seed', '1.5'], /--seed must be an integer/],
    [
      'ragged CSV',
      ['--csv', csvFile('ragged.csv', 'segment,visit\nA,1\nB\n'), ...good],
      /data row 2 has 1 fields/,
    ],
    ['empty CSV', ['--csv', csvFile('empty.csv', ''), ...good], /empty/],
    ['unclosed quote', ['--csv', csvFile('quote.csv', 'segment,visit\n"A,1\n'), ...good], /never closed/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: one line on stderr, exit code 2`, async () => {
      const run = await lift(...args);
      assert.equal(run.exitCode, 2, `${name}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      assert.match(run.stderr, /^error: [^\n]+\n$/, `not one line: ${JSON.stringify(run.stderr)}`);
    });
  }

  it('exits with code 2 and no stack trace as a real process', () => {
    const script = [
      "import { Command } from 'commander';",
      `import { registerAnalyticsCommand } from ${JSON.stringify(fileURLToPath(new URL('../src/cli/analytics-command.ts', import.meta.url)))};`,
      "const program = new Command('beckon');",
      'registerAnalyticsCommand(program);',
      'program.parse();',
    ].join('\n');
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, '--', 'analytics', 'lift', ...args],
        {
          cwd,
          encoding: 'utf8',
        },
      );
    const bad = run('--csv', join(workDir, 'absent.csv'), ...good);
    assert.equal(bad.status, 2, bad.stderr);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.doesNotMatch(bad.stderr, /\bat .*\(|node:internal/);
    const ok = run('--csv', HILLSTROM, ...good, '--json');
    assert.equal(ok.status, 0, ok.stderr);
    const last = ok.stdout.trimEnd().split('\n').at(-1) ?? '';
    assert.equal(JSON.parse(last).treatment_n, 21_307);
  });
});
