import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { Webhook } from 'standardwebhooks';
import { SlackWaitingNotices } from '../src/webhooks/slack-waiting.ts';
import { signature } from '../src/webhooks/webhook-signature.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';

/** Quick retries so a receiver that is down for a moment is tried again within the test. */
const ENV = {
  BECKON_WEBHOOKS_ALLOW_PRIVATE: '1',
  BECKON_WEBHOOKS_RETRY_BASE_MS: '40',
  BECKON_WEBHOOKS_RETRY_MAX_MS: '200',
  BECKON_WEBHOOKS_POLL_MS: '50',
  BECKON_WEBHOOKS_TIMEOUT_MS: '1000',
};

describe('webhooks: the Standard Webhooks test vector', () => {
  it('signs the spec’s example exactly as the spec says', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const sig = signature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    assert.equal(sig, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('is accepted by the maintained standardwebhooks verifier, and a changed byte is not', () => {
    const secret = `whsec_${Buffer.from('a-key-of-our-own-0123456789').toString('base64')}`;
    const ts = Math.floor(Date.now() / 1000);
    const body = '{"type":"message.created","data":{}}';
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signature(secret, 'msg_1', ts, body),
    };
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
    assert.throws(() => new Webhook(secret).verify(body.replace('}}', '} }'), headers));
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`webhooks on ${kind}: endpoints, signed deliveries, retries, replay, rotation, Slack`, () => {
    const skip = false;
    let srv: TestServer;
    let rx: WebhookReceiver;
    let accountId: string;
    /** The console's calls as the user with this e-mail (Fastify inject, session cookie and CSRF). */
    const api = async (method: string, path: string, body?: unknown, email = 'admin@demo.beckon.local') => {
      const client = new ApiClient(srv.node.app);
      Object.assign(client, await cookieFor(srv, email));
      return client.request(method, path, body);
    };
    const chat = async (): Promise<VisitorChatClient> => startVisitor(srv, { name: 'Ada' });
    const created: string[] = [];
    const addEndpoint = async (body: Record<string, unknown>) => {
      const r = await api('POST', '/api/v1/webhooks', body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      created.push(r.body.id);
      return r.body as { id: string; secret: string };
    };
    const removeAll = async () => {
      while (created.length) await api('DELETE', `/api/v1/webhooks/${created.pop()}`);
    };

    before(async () => {
      if (skip) return;
      srv = await startTestServer({ demo: true, env: ENV, store: kind });
      accountId = srv.demo!.accountId;
      rx = await WebhookReceiver.start();
    });
    after(async () => {
      if (skip) return;
      await rx.close();
      await srv.close();
    });

    it('creates an endpoint with a whsec_ secret; only owners and admins manage them', { skip }, async () => {
      const r = await api('POST', '/api/v1/webhooks', {
        url: rx.url,
        events: ['conversation.created'],
        description: 'CRM',
      });
      assert.equal(r.status, 201);
      assert.match(r.body.secret, /^whsec_[A-Za-z0-9+/=]{20,}$/);
      assert.equal(r.body.enabled, true);
      assert.deepEqual(r.body.events, ['conversation.created']);
      const listed = await api('GET', '/api/v1/webhooks');
      assert.equal(listed.body.items.length, 1);
      assert.equal('secret' in listed.body.items[0], false, 'the secret is shown once, not in lists');
      assert.equal((await api('GET', '/api/v1/webhooks', undefined, 'sales@demo.beckon.local')).status, 403);
      const patched = await api('PATCH', `/api/v1/webhooks/${r.body.id}`, { events: ['message.created'] });
      assert.deepEqual(patched.body.events, ['message.created']);
      assert.equal((await api('DELETE', `/api/v1/webhooks/${r.body.id}`)).status, 204);
      assert.equal((await api('GET', `/api/v1/webhooks/${r.body.id}`)).status, 404);
    });

    it('refuses bad endpoints with the path of the fault', { skip }, async () => {
      const bad = async (body: unknown) => (await api('POST', '/api/v1/webhooks', body)).status;
      assert.equal(await bad({ url: 'ftp://example.com/x', events: ['message.created'] }), 400);
      assert.equal(await bad({ url: 'not a url at all', events: ['message.created'] }), 400);
      assert.equal(await bad({ url: 'https://example.com/x', events: ['no.such.event'] }), 400);
      assert.equal(await bad({ url: 'https://example.com/x', events: [] }), 400);
      assert.equal(await bad({ url: 'https://u:p@example.com/x', events: ['message.created'] }), 400);
      const r = await api('POST', '/api/v1/webhooks', {
        url: 'https://example.com/x',
        events: ['message.created'],
        extra: 1,
      });
      assert.equal(r.status, 400);
      assert.equal((await api('POST', '/api/v1/webhooks/whep_nope/rotate', {})).status, 404);
    });

    it('delivers conversation and message events, each signed so the standardwebhooks verifier accepts it', {
      skip,
    }, async () => {
      const ep = await addEndpoint({ url: rx.url, events: ['conversation.created', 'message.created'] });
      const visitor = await chat();
      await visitor.send('Hello, is the blue one in stock?');
      const msg = await eventually(
        () =>
          rx
            .events('message.created')
            .find((e) => (e.data.message as { text: string }).text.startsWith('Hello')),
        5000,
        'message.created',
      );
      const conv = rx
        .events('conversation.created')
        .find(
          (e) =>
            (e.data.conversation as { id: string }).id ===
            (msg.data.message as { conversationId: string }).conversationId,
        );
      assert.ok(conv, 'conversation.created reached the receiver');
      const verifier = new Webhook(ep.secret);
      for (const r of rx.received) {
        const headers = Object.fromEntries(
          ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(r.headers[h])]),
        );
        assert.doesNotThrow(() => verifier.verify(r.body, headers));
      }
      await visitor.close();
      await removeAll();
      rx.received.length = 0;
    });

    it('a receiver down for a while, then back: every event delivered, none twice by webhook id', {
      skip,
    }, async () => {
      await addEndpoint({ url: rx.url, events: ['message.created'] });
      rx.status = 503;
      const visitor = await chat();
      const texts = Array.from({ length: 12 }, (_, i) => `line ${i}`);
      for (const t of texts) await visitor.send(t);
      await eventually(
        () => rx.received.filter((r) => r.answered === 503).length >= 12,
        5000,
        'failed attempts',
      );
      rx.status = 200;
      const got = await eventually(
        () => {
          const lines = rx.events('message.created').map((e) => (e.data.message as { text: string }).text);
          return texts.every((t) => lines.includes(t)) ? lines : null;
        },
        10_000,
        'every line after the receiver came back',
      );
      assert.equal(got.filter((t) => t.startsWith('line ')).length, 12);
      for (const [id, list] of rx.acknowledged()) assert.equal(list.length, 1, `${id} acknowledged once`);
      const log = await api('GET', `/api/v1/webhooks/${created[0]}/deliveries?limit=50`);
      const one = log.body.items.find((d: { attempts: number }) => d.attempts > 1);
      assert.ok(one, 'the log shows the retried deliveries');
      assert.equal(one.status, 'delivered');
      assert.equal(one.responseStatus, 200);
      assert.equal(one.responseExcerpt, 'ok');
      assert.equal(typeof one.durationMs, 'number');
      assert.match(one.request, /"type":"message.created"/);
      await visitor.close();
      await removeAll();
      rx.received.length = 0;
    });

    it('replays one delivery and every delivery since a time, with the same webhook id', {
      skip,
    }, async () => {
      const ep = await addEndpoint({ url: rx.url, events: ['message.created'] });
      const visitor = await chat();
      await visitor.send('replay me');
      // Settled once the receiver's answer is read: only then can it be sent again.
      const first = await eventually(async () => {
        const [d] = (await api('GET', `/api/v1/webhooks/${ep.id}/deliveries`)).body.items;
        return d?.status === 'delivered' && d;
      });
      const again = await api('POST', `/api/v1/webhooks/${ep.id}/deliveries/${first.id}/replay`);
      assert.equal(again.status, 200);
      await eventually(() => rx.acknowledged().get(first.webhookId)?.length === 2, 5000, 'the replay');
      // A replay since a time takes settled deliveries only: wait for the replay's answer to be read.
      await eventually(async () => {
        const items = (await api('GET', `/api/v1/webhooks/${ep.id}/deliveries`)).body.items as Array<{
          id: string;
          status: string;
        }>;
        return items.find((d) => d.id === first.id)?.status === 'delivered';
      });
      const since = await api('POST', `/api/v1/webhooks/${ep.id}/replay`, {
        since: new Date(Date.now() - 60_000).toISOString(),
      });
      assert.equal(since.status, 200);
      assert.ok(since.body.queued >= 1);
      await eventually(() => rx.acknowledged().get(first.webhookId)?.length === 3, 5000, 'the replay since');
      assert.equal((await api('POST', `/api/v1/webhooks/${ep.id}/deliveries/whd_nope/replay`)).status, 404);
      await visitor.close();
      await removeAll();
      rx.received.length = 0;
    });

    it('rotation: during the overlap both secrets verify; after it only the new one', { skip }, async () => {
      const ep = await addEndpoint({ url: rx.url, events: ['message.created'] });
      const rotated = await api('POST', `/api/v1/webhooks/${ep.id}/rotate`, { overlapSeconds: 3600 });
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.secret, ep.secret);
      assert.ok(rotated.body.previousSecretUntil);
      const visitor = await chat();
      await visitor.send('after the rotation');
      const r = await eventually(() => rx.received.find((x) => x.body.includes('after the rotation')));
      const headers = Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(r.headers[h])]),
      );
      assert.equal(headers['webhook-signature']!.split(' ').length, 2);
      assert.doesNotThrow(() => new Webhook(rotated.body.secret).verify(r.body, headers));
      assert.doesNotThrow(() => new Webhook(ep.secret).verify(r.body, headers));
      // No overlap: the old secret stops at once.
      const cut = await api('POST', `/api/v1/webhooks/${ep.id}/rotate`, { overlapSeconds: 0 });
      await visitor.send('after the cut');
      const r2 = await eventually(() => rx.received.find((x) => x.body.includes('after the cut')));
      const h2 = Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(r2.headers[h])]),
      );
      assert.equal(h2['webhook-signature']!.split(' ').length, 1);
      assert.doesNotThrow(() => new Webhook(cut.body.secret).verify(r2.body, h2));
      assert.throws(() => new Webhook(rotated.body.secret).verify(r2.body, h2));
      await visitor.close();
      await removeAll();
      rx.received.length = 0;
    });

    it('assignment, transfer, resolution and a low rating reach a webhook and a Slack endpoint', {
      skip,
    }, async () => {
      await addEndpoint({
        url: rx.url,
        events: [
          'conversation.assigned',
          'conversation.transferred',
          'conversation.resolved',
          'csat.submitted',
        ],
      });
      const slackRx = await WebhookReceiver.start();
      await addEndpoint({
        url: slackRx.url,
        kind: 'slack',
        slack: { waitingMinutes: 5, lowCsat: true, slaBreach: true },
      });
      const agent = await connectAgent(srv, 'sales@demo.beckon.local');
      const visitor = await chat();
      const id = visitor.conversation!.id;
      await eventually(() => agent.offers.has(id), 5000, 'the offer');
      await agent.accept(id);
      await agent.close(id);
      visitor.csat(1, 'Nobody knew the answer');
      await eventually(() => rx.events('csat.submitted').length === 1, 5000, 'csat.submitted');
      const types = rx.events().map((e) => e.type);
      assert.ok(types.includes('conversation.assigned'));
      assert.ok(types.includes('conversation.resolved'));
      const slack = await eventually(() => slackRx.received[0], 5000, 'the Slack notice');
      const posted = JSON.parse(slack.body);
      assert.match(posted.text, /Low rating \*1\/5\*/);
      assert.match(posted.text, /Nobody knew the answer/);
      assert.equal(slack.headers['webhook-signature'], undefined, 'Slack bodies are not signed');
      // A conversation waiting longer than the limit: one notice, however often the job looks.
      const waiting = await chat();
      const job = new SlackWaitingNotices(srv.node.ctx.store, srv.node.ctx.logger);
      const later = Date.now() + 6 * 60_000;
      assert.ok((await job.check(later)) >= 1);
      assert.equal(await job.check(later), 0);
      await eventually(() => slackRx.received.some((r) => r.body.includes(waiting.conversation!.id)));
      await waiting.close();
      await visitor.close();
      await agent.disconnect();
      await slackRx.close();
      await removeAll();
      rx.received.length = 0;
    });

    it('an endpoint failing for longer than the limit is disabled, and the admins are told', {
      skip,
    }, async () => {
      rx.status = 500;
      const ep = await addEndpoint({ url: rx.url, events: ['message.created'] });
      // As if it had been failing for four days (the limit is three).
      const store = srv.node.ctx.store;
      await store.db
        .updateTable('webhook_endpoints')
        .set({ failing_since: Date.now() - 4 * 86_400_000 })
        .where('id', '=', ep.id)
        .execute();
      const visitor = await chat();
      await visitor.send('into the void');
      await eventually(
        async () => (await api('GET', `/api/v1/webhooks/${ep.id}`)).body.enabled === false,
        5000,
        'disabled',
      );
      const got = await api('GET', `/api/v1/webhooks/${ep.id}`);
      assert.equal(got.body.disabledReason, 'failing');
      const notice = await api('GET', '/api/v1/webhooks/notice');
      assert.deepEqual(
        notice.body.disabled.map((d: { id: string }) => d.id),
        [ep.id],
      );
      // Enabling again clears the notice; the failed delivery can be replayed.
      rx.status = 200;
      await api('PATCH', `/api/v1/webhooks/${ep.id}`, { enabled: true });
      assert.deepEqual((await api('GET', '/api/v1/webhooks/notice')).body.disabled, []);
      await visitor.close();
      await removeAll();
      rx.received.length = 0;
    });

    it('another account never sees or changes an endpoint', { skip }, async () => {
      const ep = await addEndpoint({ url: rx.url, events: ['message.created'] });
      const store = srv.node.ctx.store;
      const other = await store.accounts.create('Other shop');
      await store.users.create(other.id, {
        email: 'owner@other.example',
        name: 'Other owner',
        role: 'owner',
        passwordHash: 'x',
      });
      const as = 'owner@other.example';
      assert.equal((await api('GET', `/api/v1/webhooks/${ep.id}`, undefined, as)).status, 404);
      assert.equal((await api('PATCH', `/api/v1/webhooks/${ep.id}`, { enabled: false }, as)).status, 404);
      assert.equal((await api('GET', `/api/v1/webhooks/${ep.id}/deliveries`, undefined, as)).status, 404);
      assert.equal((await api('DELETE', `/api/v1/webhooks/${ep.id}`, undefined, as)).status, 404);
      assert.deepEqual((await api('GET', '/api/v1/webhooks', undefined, as)).body.items, []);
      assert.equal(accountId === other.id, false);
      await removeAll();
    });

    it('lists every event of the catalogue in the OpenAPI document’s webhooks section', {
      skip,
    }, async () => {
      const doc = (await (await fetch(`${srv.url}/api/openapi.json`)).json()) as {
        openapi: string;
        webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
      };
      assert.equal(doc.openapi, '3.1.0');
      assert.deepEqual(Object.keys(doc.webhooks).sort(), [
        'automation.fired',
        'bot.handoff',
        'bot.resolved',
        'campaign.changed',
        'contact.created',
        'contact.updated',
        'conversation.assigned',
        'conversation.created',
        'conversation.resolved',
        'conversation.sla_breached',
        'conversation.transferred',
        'conversion.attributed',
        'csat.submitted',
        'exposure.created',
        'message.created',
      ]);
      assert.ok(doc.webhooks['message.created']!.post.requestBody.content['application/json']!.schema);
    });
  });
}
