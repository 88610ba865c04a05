#!/usr/bin/env node
// Writes scripts/test-weights.json from the last run's test-results/timings.json: each file's
// seconds, which scripts/test.mjs uses to start the longest files first. Run it after a full
// `npm test` on a quiet machine, and commit the result.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rows = JSON.parse(readFileSync(join(root, 'test-results', 'timings.json'), 'utf8'));
const weights = Object.fromEntries(
  rows
    .filter((r) => r.seconds > 0)
    .sort((a, b) => a.file.localeCompare(b.file))
    .map((r) => [r.file, Math.round(r.seconds * 10) / 10]),
);
writeFileSync(join(root, 'scripts', 'test-weights.json'), `${JSON.stringify(weights, null, 2)}\n`);
console.log(`scripts/test-weights.json: ${Object.keys(weights).length} files`);
