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
// --test-force-exit: a file whose setup failed half-way (say, no Chromium) must not hang the run on its open server.
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=2',
  '--test-force-exit',
];
const r = spawnSync(process.execPath, [...args, ...selected], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
