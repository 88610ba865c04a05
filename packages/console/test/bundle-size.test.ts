import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

const DIST = new URL('../dist/', import.meta.url).pathname;
/** What a browser must download before the console shows anything, gzipped. */
const INITIAL_BUDGET = 250 * 1024;

describe('console bundle', () => {
  const built = existsSync(join(DIST, 'index.html'));

  it('keeps the first load (entry script and its preloads) within 250 KB gzipped', {
    skip: !built && 'the console is not built (node scripts/build.mjs)',
  }, () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    assert.ok(scripts.length > 0, 'index.html names its scripts');
    const total = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(DIST, file))).length, 0);
    assert.ok(total <= INITIAL_BUDGET, `first load is ${Math.round(total / 1024)} KB gzipped`);
  });

  it('loads the agent workspace only when Conversations is opened', {
    skip: !built && 'the console is not built',
  }, () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /conversations-page/, 'the workspace chunk is not preloaded');
  });

  it('fetches a language pack only for the language chosen: none is in the first load', {
    skip: !built && 'the console is not built',
  }, () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const packs = readdirSync(join(DIST, 'assets')).filter((f) => /^(de|es)-[\w-]+\.js$/.test(f));
    assert.equal(packs.length, 2, 'a chunk per language besides English');
    for (const pack of packs) assert.ok(!html.includes(pack), `${pack} is not preloaded`);
  });
});
