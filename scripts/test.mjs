#!/usr/bin/env node
// Runs every test file (packages/*/test, e2e, bench) with Node's test runner and our TypeScript
// loader (ts-loader.mjs).
// Usage: node scripts/test.mjs [--check] [filter...]  — filters match file paths; `--check` runs
// `npm run check` (types, Biome, imports) beside the tests, and fails the run when it fails.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** The CPU probe's time (ms) at or under which a fourth test process runs (see testProcesses). */
const FAST_PROBE_MS = 90;
/**
 * Files to a group process, by kind. Each process costs about 3 s of CPU before its first test
 * (a file run alone took 4.2 s of CPU, 0.5 s in a group). Groups of 12 browser files and 24 others
 * (21 processes) instead of 4 and 8 (58): a simulation of a quiet run's file times on three and
 * four slots ended as evenly, and the run pays 37 starts less. Measured at 8 and 16 (30 processes):
 * the machine's CPU 1,494 s to 1,360 s, the run 13.8 to 12.8 minutes; 12 and 24 then used the same
 * CPU as 8 and 16 (1,316 s each).
 */
const GROUP_SIZE = { e2e: 12, other: 24 };
const roots = ['packages', 'e2e', 'bench'];
const files = [];
/** Each group entry's files (relative paths), for longestFirst. */
const groupMembers = new Map();
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(relative(root, p));
  }
}
for (const r of roots) walk(join(root, r));
const withCheck = process.argv.includes('--check');
const filters = process.argv.slice(2).filter((a) => a !== '--check');
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// A file whose setup failed half-way (say, no Chromium) must not hang the run on its open server:
// test-exit-guard.mjs ends it once its tests are done. Not `--test-force-exit`, which can drop a
// file's last results from the report (see the guard).
// Every run writes test-results/timings.json, [{ file, seconds, tests, cpuSeconds }] slowest first, and prints
// the ten slowest files, so a slow file is seen the day it lands. The guard writes each file's
// wall time; the count reporter counts its tests.
const results = join(root, 'test-results');
const timingsDir = join(results, '.file-times');
const countsFile = join(results, '.test-counts.json');
rmSync(timingsDir, { recursive: true, force: true });
mkdirSync(timingsDir, { recursive: true });
const args = [
  '--import',
  join(root, 'scripts', 'ts-loader.mjs'),
  '--import',
  join(root, 'scripts', 'test-exit-guard.mjs'),
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  `--test-reporter=${join(root, 'scripts', 'test-count-reporter.mjs')}`,
  `--test-reporter-destination=${countsFile}`,
  `--test-concurrency=${testProcesses()}`,
];
const started = Date.now();
const check = withCheck ? startCheck() : null;
const browser = selected.some((f) => f.startsWith('e2e/')) ? await startSharedBrowser() : null;
// Its own process group, so that a failed check can end every test process, not only the runner.
const tests = spawn(process.execPath, [...args, ...processes(selected)], {
  stdio: 'inherit',
  cwd: root,
  detached: true,
  env: {
    ...process.env,
    // The suite fills both cores with test processes. A helper thread at a lower priority than
    // theirs (thread-priority.js) then waits behind other files' tests and runs out of time; the
    // test of that priority sets it itself.
    BECKON_HELPER_THREAD_NICE: process.env.BECKON_HELPER_THREAD_NICE ?? '0',
    BECKON_TEST_TIMINGS_DIR: timingsDir,
    ...(browser ? { BECKON_TEST_BROWSER_WS: browser.endpoint } : {}),
  },
});
const endTests = (signal) => {
  try {
    process.kill(-tests.pid, signal);
  } catch {
    // Already gone.
  }
};
// Ctrl-C and a CI runner's stop reach the group too.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => endTests(signal));
// A failed check ends the run at once: its report is what the developer needs first.
check?.done.then((ok) => {
  if (!ok) endTests('SIGTERM');
});
const status = await new Promise((resolve) => tests.on('exit', (code) => resolve(code ?? 1)));
browser?.stop();
writeTimings();
const checked = check ? await check.done : true;
if (check && !checked) console.error(`\nnpm run check failed:\n${check.output()}`);
process.exit(checked ? status : 1);

/**
 * How many test processes run at once: BECKON_TEST_CONCURRENCY, else three or four on two cores.
 * Many files spend most of their time waiting (a browser page, a ring that times out, a stand-in
 * provider), so more processes than cores keep the cores busy. A fourth cut a quiet run on a fast
 * machine from 11.7 to 10.8 minutes (cores 86 % then 93 % busy), but on a machine 1.6 to 2.7 times
 * slower it cost four files to their waits. So the fourth runs only when a short CPU probe is fast: about
 * 77 ms on that fast machine, 150–200 beside three busy loops (the best of three counts). A machine
 * that probed at 102 ms ran four processes and lost six browser tests to their waits, and probed at
 * 153–164 ms once quiet: a host's speed drifts, so the bar leaves the fast machine a margin only.
 */
function testProcesses() {
  if (process.env.BECKON_TEST_CONCURRENCY) return Number(process.env.BECKON_TEST_CONCURRENCY);
  // A few files run in as many processes either way: no probe.
  if (selected.length <= 3) return 3;
  const probe = () => {
    const started = performance.now();
    const block = Buffer.alloc(1024, 7);
    let digest = block;
    for (let i = 0; i < 40_000; i++) digest = createHash('sha256').update(digest).update(block).digest();
    let x = 0;
    for (let i = 0; i < 20_000_000; i++) x = (x * 31 + i) | 0;
    // `x` is read, so the loop is not optimised away (an integer is never 0.5).
    return performance.now() - started + (x === 0.5 ? 1 : 0);
  };
  const ms = Math.min(probe(), probe(), probe());
  const n = ms <= FAST_PROBE_MS ? 4 : 3;
  console.log(
    `${n} test processes (a CPU probe took ${ms.toFixed(1)} ms; 4 when it takes at most ${FAST_PROBE_MS})`,
  );
  return n;
}

/**
 * `npm run check` beside the tests, its output kept for the end. It takes about 35 s of CPU (the
 * type checks 21 s of it, scripts/typecheck.mjs), while the tests leave about a tenth of the
 * machine idle (files waiting on sockets, browsers and timers): side by side, the check costs the
 * run little more than its CPU.
 */
function startCheck() {
  const child = spawn('npm', ['run', '--silent', 'check'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const done = new Promise((resolve) => {
    child.on('exit', (code) => resolve(code === 0));
    child.on('error', (err) => {
      out += String(err);
      resolve(false);
    });
  });
  return { done, output: () => out };
}

/**
 * The files to hand to the runner: most files run in groups, several files to a process
 * (scripts/test-group.mjs), since each process first spends about three seconds of CPU loading the
 * server's modules (GROUP_SIZE); grouping cut the CPU time of the packages' tests by about a third.
 * A file runs in its own process when it sets `process.env` as it loads (a group's files load one
 * after another while the first ones run, so that setting would reach its neighbours), when it
 * declares a suite with an async body or awaits at its top level (inside a group, Node 20 attaches
 * what is declared after such an await to no file: its hooks, settings and timing leave it), or
 * when it says `// test: own process`.
 * A file that needs PostgreSQL or Redis asks without awaiting (helpers/service-probe.ts).
 */
function processes(files) {
  const groupsDir = join(results, '.groups');
  rmSync(groupsDir, { recursive: true, force: true });
  mkdirSync(groupsDir, { recursive: true });
  const own =
    /^process\.env\.[A-Z0-9_]+\s*=|^\/\/ test: own process|describe\([^\n]*async \(|^(?:const|let|var) [^=\n]+= await |^await /m;
  const out = [];
  let group = [];
  let groupKind = '';
  const flush = () => {
    if (group.length === 0) return;
    if (group.length === 1) out.push(group[0]);
    else {
      const entry = join(groupsDir, `group-${String(out.length).padStart(3, '0')}.mjs`);
      const paths = group.map((f) => join(root, f));
      writeFileSync(
        entry,
        `import { groupFiles } from ${JSON.stringify(join(root, 'scripts', 'test-group.mjs'))};\n` +
          `groupFiles(${JSON.stringify(paths, null, 2)});\n`,
      );
      out.push(entry);
      groupMembers.set(entry, group);
    }
    group = [];
  };
  for (const file of files) {
    if (own.test(readFileSync(join(root, file), 'utf8'))) {
      out.push(file);
      continue;
    }
    // Browser files are slower: fewer to a group, so the processes running at a time stay even.
    const kind = file.startsWith('e2e/') ? 'e2e' : 'other';
    if (kind !== groupKind || group.length >= GROUP_SIZE[kind]) flush();
    groupKind = kind;
    group.push(file);
  }
  flush();
  return longestFirst(out);
}

/**
 * The entries in the order to start them: the longest first, by the seconds each file took in a
 * recent quiet run (scripts/test-weights.json, written by `node scripts/test-weights.mjs` from
 * test-results/timings.json). Started last, a long file would run on alone at the end while the
 * other cores wait. A file not in the list counts as the median of its kind.
 */
function longestFirst(entries) {
  let weights = {};
  try {
    weights = JSON.parse(readFileSync(join(root, 'scripts', 'test-weights.json'), 'utf8'));
  } catch {
    return entries;
  }
  const median = (kind) => {
    const xs = Object.entries(weights)
      .filter(([f]) => f.startsWith('e2e/') === (kind === 'e2e'))
      .map(([, s]) => s)
      .sort((a, b) => a - b);
    return xs.length ? xs[Math.floor(xs.length / 2)] : 1;
  };
  const defaults = { e2e: median('e2e'), other: median('other') };
  const weightOf = (file) => weights[file] ?? defaults[file.startsWith('e2e/') ? 'e2e' : 'other'];
  const seconds = new Map(
    entries.map((e) => [e, (groupMembers.get(e) ?? [e]).reduce((n, f) => n + weightOf(f), 0)]),
  );
  return [...entries].sort((a, b) => seconds.get(b) - seconds.get(a));
}

/**
 * One Chromium for every e2e file (e2e/helpers/shared-browser.ts): each file would otherwise
 * start its own, about two seconds of CPU each. Null when it cannot start: files launch their own.
 */
async function startSharedBrowser() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'e2e', 'helpers', 'shared-browser.ts')],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const endpoint = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', () => resolve(null));
    child.on('error', () => resolve(null));
  });
  if (!endpoint) return null;
  return {
    endpoint,
    stop() {
      child.stdin.end();
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    },
  };
}

function writeTimings() {
  let counts = {};
  try {
    counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    // No counts (the runner died early): the times are still worth writing.
  }
  const rows = readdirSync(timingsDir).map((name) => {
    const { file, seconds, cpuSeconds } = JSON.parse(readFileSync(join(timingsDir, name), 'utf8'));
    return {
      file: relative(root, file),
      seconds: Math.round(seconds * 10) / 10,
      tests: counts[file]?.tests ?? 0,
      cpuSeconds: cpuSeconds == null ? null : Math.round(cpuSeconds * 10) / 10,
    };
  });
  rows.sort((a, b) => b.seconds - a.seconds);
  writeFileSync(join(results, 'timings.json'), `${JSON.stringify(rows, null, 2)}\n`);
  const total = Math.round((Date.now() - started) / 1000);
  const fileSeconds = Math.round(rows.reduce((n, r) => n + r.seconds, 0));
  // The files' own times add up to about the run's time by the number of processes, when the
  // processes are kept busy: a sum well below that means the run waited on something else.
  console.log(
    `\nslowest test files (of ${rows.length}; the run ${total} s, the files ${fileSeconds} s together; test-results/timings.json):`,
  );
  for (const row of rows.slice(0, 10)) {
    console.log(
      `  ${row.seconds.toFixed(1).padStart(7)} s  ${String(row.cpuSeconds ?? '–').padStart(6)} s CPU  ${String(row.tests).padStart(4)} tests  ${row.file}`,
    );
  }
  // The runner's own summary is above the table; this line repeats it last, where CI reads it.
  const sum = (key) => Object.values(counts).reduce((n, c) => n + c[key], 0);
  const failed = sum('failed');
  const skipped = sum('skipped');
  console.log(`tests: ${sum('tests') - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
}
