import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { eventually } from './helpers/chat-fixtures.ts';
import { postWebhook, waMessageDelivery } from './helpers/graph-api-server.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

const sign = (body: string) => `sha256=${createHmac('sha256', WA.appSecret).update(body).digest('hex')}`;

/** A POST whose body leaves in pieces, with no Content-Length (chunked), `gapMs` apart. */
function postInPieces(url: string, pieces: string[], signature: string, gapMs = 30) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    let i = 0;
    const next = () => {
      if (i === pieces.length) return req.end();
      req.write(pieces[i++]);
      setTimeout(next, gapMs);
    };
    next();
  });
}

/**
 * Webhook deliveries are answered on the node's HTTP server ahead of Fastify (the W9 benchmark's
 * hot path). What a provider notices must not change: a body read whatever its pieces, too large
 * refused with 413 and nothing stored, errors in the API's shape, and every answer counted in
 * /metrics; `app.inject`, which never reaches the server, still gets the Fastify route.
 */
describe('webhook deliveries ahead of Fastify', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;

  before(async () => {
    wa = await startWhatsApp();
  });
  after(async () => {
    await wa?.close();
  });

  const stored = (externalId: string) =>
    wa.srv.node.ctx.store.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('external_id', '=', externalId)
      .executeTakeFirst();

  it('reads a body sent in pieces, and answers 200 once it is stored', async () => {
    const d = waMessageDelivery(WA.phoneNumberId, '15551230001', 'Sent in three pieces');
    const text = JSON.stringify(d.body);
    const third = Math.ceil(text.length / 3);
    const r = await postInPieces(
      wa.hook,
      [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)],
      sign(text),
    );
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { ok: true });
    assert.ok(await stored(d.id), 'stored before the answer');
  });

  it('refuses a body over 1 MiB with 413, declared or not, storing nothing', async () => {
    const d = waMessageDelivery(WA.phoneNumberId, '15551230002', 'x'.repeat(1024 * 1024 + 10));
    const text = JSON.stringify(d.body);
    const declared = await postWebhook(wa.hook, d.body, WA.appSecret);
    assert.equal(declared.status, 413);
    assert.equal(((await declared.json()) as { error: { code: string } }).error.code, 'body_too_large');
    const half = Math.ceil(text.length / 2);
    const chunked = await postInPieces(wa.hook, [text.slice(0, half), text.slice(half)], sign(text));
    assert.equal(chunked.status, 413);
    assert.equal(await stored(d.id), undefined);
    // The node goes on answering.
    const next = waMessageDelivery(WA.phoneNumberId, '15551230002', 'A short one');
    assert.equal((await postWebhook(wa.hook, next.body, WA.appSecret)).status, 200);
  });

  it("answers errors in the API's shape: a wrong signature 401, an unknown connection 404, a bad body 400", async () => {
    const d = waMessageDelivery(WA.phoneNumberId, '15551230003', 'Forged');
    const forged = await postWebhook(wa.hook, d.body, 'not-the-secret');
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as { error: { code: string } }).error.code, 'unauthorized');
    const unknown = await postWebhook(`${wa.srv.url}/hooks/whatsapp/chn_nothere`, d.body, WA.appSecret);
    assert.equal(unknown.status, 404);
    const bad = await fetch(wa.hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign('{not json') },
      body: '{not json',
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /not JSON/);
    assert.equal(await stored(d.id), undefined);
    // A path the webhook does not match is Fastify's, as before.
    const odd = await fetch(`${wa.srv.url}/hooks/whatsapp/not-an-id`, { method: 'POST', body: '{}' });
    assert.equal(odd.status, 400);
  });

  it('counts its answers in /metrics under the route, as Fastify did', async () => {
    const metrics = await (await fetch(`${wa.srv.url}/metrics`)).text();
    const line = metrics
      .split('\n')
      .find(
        (l) =>
          l.startsWith('beckon_http_requests_total{') && /route="\/hooks\/:type\/:id",status="200"/.test(l),
      );
    assert.ok(line && Number(line.split(' ').at(-1)) >= 2, line);
    assert.match(metrics, /beckon_http_requests_total\{[^}]*route="\/hooks\/:type\/:id",status="413"/);
  });

  it('app.inject, which never reaches the server, still gets the same answer from the Fastify route', async () => {
    const d = waMessageDelivery(WA.phoneNumberId, '15551230004', 'Injected');
    const payload = JSON.stringify(d.body);
    const r = await wa.srv.node.app.inject({
      method: 'POST',
      url: `/hooks/whatsapp/${wa.created.id}`,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(payload) },
      payload,
    });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { ok: true });
    await eventually(() => stored(d.id));
  });
});
