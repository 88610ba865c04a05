import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureTagBuilt } from '../ensure-built.ts';
import { BUDGET_GZIP_BYTES, gzipBytes } from '../size-budget.ts';

const dist = new URL('../dist/', import.meta.url).pathname;

describe('tag weight (PERFORMANCE.md W5)', () => {
  let loader = '';
  let widget = '';
  let voice = '';
  before(() => {
    ensureTagBuilt();
    loader = readFileSync(join(dist, 'loader.js'), 'utf8');
    widget = readFileSync(join(dist, 'widget.js'), 'utf8');
    voice = readFileSync(join(dist, 'voice.js'), 'utf8');
  });

  it(`keeps the loader within ${BUDGET_GZIP_BYTES.loader} bytes gzipped`, (t) => {
    const size = gzipBytes(loader);
    t.diagnostic(`loader.js: ${Buffer.byteLength(loader)} B, ${size} B gzipped`);
    assert.ok(size <= BUDGET_GZIP_BYTES.loader, `loader is ${size} B gzipped`);
  });

  it(`keeps the widget within ${BUDGET_GZIP_BYTES.widget} bytes gzipped`, (t) => {
    const size = gzipBytes(widget);
    t.diagnostic(`widget.js: ${Buffer.byteLength(widget)} B, ${size} B gzipped`);
    assert.ok(size <= BUDGET_GZIP_BYTES.widget, `widget is ${size} B gzipped`);
  });

  it(`keeps calls out of the widget, in a voice chunk within ${BUDGET_GZIP_BYTES.voice} bytes gzipped`, (t) => {
    const size = gzipBytes(voice);
    t.diagnostic(`voice.js: ${Buffer.byteLength(voice)} B, ${size} B gzipped`);
    assert.ok(size <= BUDGET_GZIP_BYTES.voice, `voice chunk is ${size} B gzipped`);
    assert.doesNotMatch(widget, /RTCPeerConnection|getUserMedia/);
    assert.match(voice, /RTCPeerConnection/);
  });

  it('never bundles the schema library, eval or new Function', () => {
    for (const code of [loader, widget, voice]) {
      assert.doesNotMatch(code, /typebox|Compile\(/i);
      assert.doesNotMatch(code, /\beval\(|new Function|innerHTML|insertAdjacentHTML|document\.write/);
    }
  });

  it('asks for the widget by its content hash, so the widget can be cached for a year', () => {
    const version = createHash('sha256').update(widget).digest('hex').slice(0, 12);
    assert.ok(loader.includes(`/t/widget.js?v=${version}`));
    const voiceVersion = createHash('sha256').update(voice).digest('hex').slice(0, 12);
    assert.ok(widget.includes(`/t/voice.js?v=${voiceVersion}`));
  });
});
