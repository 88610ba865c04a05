#!/usr/bin/env node
// Runs every test file (packages/*/test, e2e) with Node's test runner and tsx.
// Usage: node scripts/test.mjs [filter...]  — filters match file paths.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'e2e', 'bench'];
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(relative(root, p));
  }
}
for (const r of roots) walk(join(root, r));
const filters = process.argv.slice(2);
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// A file whose setup failed half-way (say, no Chromium) must not hang the run on its open server:
// test-exit-guard.mjs ends it once its tests are done. Not `--test-force-exit`, which can drop a
// file's last results from the report (see the guard).
// Every run writes test-results/timings.json, [{ file, seconds, tests }] slowest first, and prints
// the ten slowest files, so a slow file is seen the day it lands. The guard writes each file's
// wall time; the count reporter counts its tests.
const results = join(root, 'test-results');
const timingsDir = join(results, '.file-times');
const countsFile = join(results, '.test-counts.json');
rmSync(timingsDir, { recursive: true, force: true });
mkdirSync(timingsDir, { recursive: true });
const args = [
  '--import',
  'tsx',
  '--import',
  join(root, 'scripts', 'test-exit-guard.mjs'),
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  `--test-reporter=${join(root, 'scripts', 'test-count-reporter.mjs')}`,
  `--test-reporter-destination=${countsFile}`,
  '--test-concurrency=2',
];
const started = Date.now();
const r = spawnSync(process.execPath, [...args, ...selected], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, BECKON_TEST_TIMINGS_DIR: timingsDir },
});
writeTimings();
process.exit(r.status ?? 1);

function writeTimings() {
  let counts = {};
  try {
    counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    // No counts (the runner died early): the times are still worth writing.
  }
  const rows = readdirSync(timingsDir).map((name) => {
    const { file, seconds } = JSON.parse(readFileSync(join(timingsDir, name), 'utf8'));
    return {
      file: relative(root, file),
      seconds: Math.round(seconds * 10) / 10,
      tests: counts[file]?.tests ?? 0,
    };
  });
  rows.sort((a, b) => b.seconds - a.seconds);
  writeFileSync(join(results, 'timings.json'), `${JSON.stringify(rows, null, 2)}\n`);
  const total = Math.round((Date.now() - started) / 1000);
  console.log(`\nslowest test files (of ${rows.length}, ${total} s in all; test-results/timings.json):`);
  for (const row of rows.slice(0, 10)) {
    console.log(
      `  ${row.seconds.toFixed(1).padStart(7)} s  ${String(row.tests).padStart(4)} tests  ${row.file}`,
    );
  }
  // The runner's own summary is above the table; this line repeats it last, where CI reads it.
  const sum = (key) => Object.values(counts).reduce((n, c) => n + c[key], 0);
  const failed = sum('failed');
  const skipped = sum('skipped');
  console.log(`tests: ${sum('tests') - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
}
