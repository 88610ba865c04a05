import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CONSOLE_BUDGET_GZIP_BYTES, consoleWeight } from '../bundle-weight.ts';

const DIST = new URL('../dist/', import.meta.url).pathname;

describe('console bundle', () => {
  const built = existsSync(join(DIST, 'index.html'));

  it('keeps the first load (entry script and its preloads) within 250 KB gzipped', {
    skip: !built && 'the console is not built (node scripts/build.mjs)',
  }, () => {
    const { initialJs } = consoleWeight(DIST);
    assert.ok(initialJs > 0, 'index.html names its scripts');
    assert.ok(
      initialJs <= CONSOLE_BUDGET_GZIP_BYTES.initial,
      `first load is ${Math.round(initialJs / 1024)} KB gzipped`,
    );
  });

  it('keeps signing in and opening the inbox within 150 KB gzipped: the other pages load when opened', {
    skip: !built && 'the console is not built',
  }, () => {
    const { signInAndInboxJs } = consoleWeight(DIST);
    assert.ok(
      signInAndInboxJs <= CONSOLE_BUDGET_GZIP_BYTES.signInAndInbox,
      `signing in and the inbox load ${Math.round(signInAndInboxJs / 1024)} KB gzipped`,
    );
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
