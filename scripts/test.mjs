#!/usr/bin/env node
// Runs every test file (packages/*/test, e2e) with Node's test runner and tsx.
// Usage: node scripts/test.mjs [filter...]  — filters match file paths.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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
const args = [
  '--import',
  'tsx',
  '--import',
  join(root, 'scripts', 'test-exit-guard.mjs'),
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=2',
];
const r = spawnSync(process.execPath, [...args, ...selected], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
