import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../packages/server/test/helpers/test-server.ts';
import { ensureTagBuilt } from '../packages/tag/ensure-built.ts';

const manifest = () =>
  JSON.parse(readFileSync(new URL('../packages/tag/dist/manifest.json', import.meta.url), 'utf8')) as {
    widget: { version: string };
    voice: { version: string };
  };

describe('tag and demo store routes', () => {
  let srv: TestServer;
  let bare: TestServer;
  before(async () => {
    ensureTagBuilt();
    [srv, bare] = await Promise.all([startTestServer({ demo: true }), startTestServer()]);
  });
  after(async () => {
    await srv?.close();
    await bare?.close();
  });
  const get = (s: TestServer, url: string, headers: Record<string, string> = {}) =>
    s.node.app.inject({ method: 'GET', url, headers });

  it('serves the loader for a known site key: script type, cross-origin, short cache with an ETag', async () => {
    const res = await get(srv, `/t/${srv.demo!.siteKey}.js`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/javascript/);
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.match(String(res.headers['cache-control']), /max-age=300/);
    assert.ok(res.headers.etag);
    assert.ok(res.body.includes('/v1/visitor'));
    const again = await get(srv, `/t/${srv.demo!.siteKey}.js`, { 'if-none-match': String(res.headers.etag) });
    assert.equal(again.statusCode, 304);
    const zipped = await get(srv, `/t/${srv.demo!.siteKey}.js`, { 'accept-encoding': 'gzip, br' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.rawPayload).toString(), res.body);
    assert.ok(zipped.rawPayload.length <= 3 * 1024, `loader on the wire: ${zipped.rawPayload.length} B`);
  });

  it('answers an unknown site key with 404 and a JavaScript comment that says what to do', async () => {
    for (const url of ['/t/nosuchsitekey.js', '/t/no%20such.js', '/t/demo', '/t/..%2F..%2Fpackage.json']) {
      const res = await get(srv, url);
      assert.equal(res.statusCode, 404, url);
      assert.match(String(res.headers['content-type']), /^application\/javascript/);
      assert.match(res.body, /^\/\* Beckon: unknown site key/);
      assert.ok(!res.body.includes('no such'), 'the request is not echoed');
    }
  });

  it('caches the widget for a year only under its content hash', async () => {
    const { version } = manifest().widget;
    const pinned = await get(srv, `/t/widget.js?v=${version}`);
    assert.equal(pinned.statusCode, 200);
    assert.match(String(pinned.headers['cache-control']), /max-age=31536000, immutable/);
    assert.equal(pinned.headers['cross-origin-resource-policy'], 'cross-origin');
    const stale = await get(srv, '/t/widget.js?v=0000');
    assert.match(String(stale.headers['cache-control']), /max-age=300/);
    assert.equal(stale.body, pinned.body);
  });

  it('serves the voice chunk like the widget, and the widget asks for it by its content hash', async () => {
    const { version } = manifest().voice;
    const pinned = await get(srv, `/t/voice.js?v=${version}`);
    assert.equal(pinned.statusCode, 200);
    assert.match(String(pinned.headers['content-type']), /^application\/javascript/);
    assert.match(String(pinned.headers['cache-control']), /max-age=31536000, immutable/);
    assert.equal(pinned.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.match(String((await get(srv, '/t/voice.js?v=0000')).headers['cache-control']), /max-age=300/);
    const widget = await get(srv, `/t/widget.js?v=${manifest().widget.version}`);
    assert.ok(widget.body.includes(`/t/voice.js?v=${version}`));
  });

  it('serves the demo store with the demo site key and a strict CSP', async () => {
    const res = await get(srv, '/demo/');
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.includes(`<script async src="${srv.url}/t/${srv.demo!.siteKey}.js"></script>`));
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, new RegExp(`script-src 'self' ${srv.url.replaceAll('.', '\\.')}`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.doesNotMatch(res.body, /<script>|<style|style="|onclick=/, 'no inline script or style');
    const product = await get(srv, '/demo/product-lamp');
    assert.match(product.body, /<meta name="beckon:section" content="product">/);
    assert.equal((await get(srv, '/demo/checkout.html')).statusCode, 200);
    const css = await get(srv, '/demo/assets/store.css');
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.equal((await get(srv, '/demo')).statusCode, 302);
    assert.equal((await get(srv, '/demo/nope')).statusCode, 404);
    assert.equal((await get(srv, '/demo/assets/..%2F..%2Fseed.ts')).statusCode, 404);
  });

  it('explains that there is no demo store on a server without the demo account', async () => {
    const res = await get(bare, '/demo/');
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /no demo account/);
    assert.match(res.body, /npm start/);
  });
});
