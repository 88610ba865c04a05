import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { startTelegram, tgUpdate } from './helpers/bot-api-server.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { postWebhook, waMessageDelivery } from './helpers/graph-api-server.ts';
import { startMessenger } from './helpers/messenger-fixture.ts';
import { customerMessage } from './helpers/messenger-graph-server.ts';
import type { TestServer } from './helpers/test-server.ts';
import { postSigned, smsFields, startSms } from './helpers/twilio-server.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

/**
 * A provider outage, per connector: the local provider server answers 503 (and 429 with the wait
 * it asks for) for a while, the agent writes several lines meanwhile, then the provider is back.
 * Quick backoffs (100 ms doubling to 400 ms) and six tries keep the test short.
 */
const ENV = { BECKON_OUTBOX_MAX_ATTEMPTS: '6' };
const BASE_MS = 100;

/** One connector under test: its server, a customer who wrote in, and what reached the provider. */
interface Provider {
  srv: TestServer;
  accountId: string;
  /** A new customer writes in through the signed webhook; the conversation's id. */
  customerWrites(text: string): Promise<{ id: string; customer: string }>;
  /** The provider answers the next sends so: 503 (unavailable), 429 (slow down, wait this long). */
  script(answers: ('503' | '429')[]): void;
  /** Every answer the provider gave a send, in order, with its time. */
  hits(): { status: number; at: number }[];
  /** Texts the provider accepted for a customer, in the order it accepted them. */
  received(customer: string): string[];
  close(): Promise<void>;
}

/** The wait the 429 asks for (its Retry-After, or Telegram's `retry_after`), in seconds. */
const RETRY_AFTER_S = 1;

async function whatsapp(): Promise<Provider> {
  const wa = await startWhatsApp(ENV);
  let n = 0;
  return {
    srv: wa.srv,
    accountId: wa.accountId,
    async customerWrites(text) {
      const customer = `1555030${String(++n).padStart(4, '0')}`;
      const d = waMessageDelivery(WA.phoneNumberId, customer, text);
      assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
      return { id: await conversationOf(wa.srv, 'whatsapp', d.id), customer };
    },
    script(answers) {
      for (const a of answers)
        wa.graph.fail.push(
          a === '503'
            ? { status: 503, code: 2, message: 'Service temporarily unavailable' }
            : { status: 429, code: 130429, message: 'Rate limit hit', retryAfter: RETRY_AFTER_S },
        );
    },
    hits: () => wa.graph.calls,
    received: (customer) => wa.graph.sent.filter((s) => s.to === customer).map((s) => s.body),
    close: () => wa.close(),
  };
}

async function telegram(): Promise<Provider> {
  const tg = await startTelegram(ENV);
  let user = 720_000_000;
  return {
    srv: tg.srv,
    accountId: tg.accountId,
    async customerWrites(text) {
      const from = ++user;
      assert.equal((await tg.post(tgUpdate(from, text, 1))).status, 200);
      return { id: await conversationOf(tg.srv, 'telegram', `%${from}:1`), customer: String(from) };
    },
    script(answers) {
      for (const a of answers)
        tg.bot.fail.push(
          a === '503'
            ? { status: 502, description: 'Bad Gateway' }
            : {
                status: 429,
                description: `Too Many Requests: retry after ${RETRY_AFTER_S}`,
                retryAfter: RETRY_AFTER_S,
              },
        );
    },
    hits: () => tg.bot.calls,
    received: (customer) => tg.bot.sent.filter((s) => String(s.chat_id) === customer).map((s) => s.text),
    close: () => tg.close(),
  };
}

async function sms(): Promise<Provider> {
  const s = await startSms(ENV);
  let n = 0;
  return {
    srv: s.srv,
    accountId: s.accountId,
    async customerWrites(text) {
      const customer = `+1500555${String(++n).padStart(4, '0')}`;
      const fields = smsFields(customer, text);
      assert.equal((await postSigned(s.hook, fields)).status, 200);
      return { id: await conversationOf(s.srv, 'sms', fields.MessageSid), customer };
    },
    script(answers) {
      for (const a of answers)
        s.twilio.fail.push(
          a === '503'
            ? { status: 503, code: 20503, message: 'Service Unavailable' }
            : { status: 429, code: 20429, message: 'Too Many Requests', retryAfter: RETRY_AFTER_S },
        );
    },
    hits: () => s.twilio.calls,
    received: (customer) => s.twilio.sent.filter((m) => m.To === customer).map((m) => m.Body),
    close: () => s.close(),
  };
}

async function page(type: 'messenger' | 'instagram'): Promise<Provider> {
  const m = await startMessenger(type, ENV);
  let n = 0;
  return {
    srv: m.srv,
    accountId: m.accountId,
    async customerWrites(text) {
      const customer = `${type === 'instagram' ? 6_500_000 : 2_400_000}${String(++n).padStart(4, '0')}`;
      const { mid, event } = customerMessage(customer, { text });
      assert.equal((await m.post(event)).status, 200);
      return { id: await eventually(() => m.conversationOf(mid)), customer };
    },
    script(answers) {
      for (const a of answers)
        m.graph.fail.push(
          a === '503'
            ? { status: 503, code: 2, message: 'Service temporarily unavailable' }
            : {
                status: 429,
                code: 613,
                message: 'Calls to this api have exceeded the rate limit.',
                retryAfter: RETRY_AFTER_S,
              },
        );
    },
    hits: () => m.graph.calls,
    received: (customer) => m.graph.sent.filter((s) => s.recipient === customer).map((s) => s.text ?? ''),
    close: () => m.close(),
  };
}

async function conversationOf(srv: TestServer, channel: 'whatsapp' | 'telegram' | 'sms', external: string) {
  return eventually(async () => {
    const row = await srv.node.ctx.store.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('channel', '=', channel)
      .where('external_id', external.startsWith('%') ? 'like' : '=', external)
      .executeTakeFirst();
    return row?.conversation_id;
  });
}

for (const [name, start, unavailable] of [
  ['WhatsApp', whatsapp, /the provider answered 503: Service temporarily unavailable/],
  ['Telegram', telegram, /the provider answered 502: Bad Gateway/],
  ['SMS', sms, /the provider answered 503: Service Unavailable/],
  ['Messenger', () => page('messenger'), /the provider answered 503: Service temporarily unavailable/],
  ['Instagram', () => page('instagram'), /the provider answered 503: Service temporarily unavailable/],
] as const) {
  describe(`${name}: the provider down for a while, then back`, () => {
    let p: Provider;
    let agent: AgentChatClient;

    before(async () => {
      p = await start();
      const { userId } = await cookieFor(p.srv, 'sales@demo.beckon.local');
      await p.srv.node.ctx.store.users.update(p.accountId, userId, { capacity: 20 });
      agent = await connectAgent(p.srv, 'sales@demo.beckon.local');
    });
    after(async () => {
      await agent?.disconnect();
      await p?.close();
    });

    const held = async (text: string) => {
      const c = await p.customerWrites(text);
      await eventually(() => agent.offers.get(c.id), 5000, 'the offer');
      await agent.accept(c.id);
      return c;
    };

    it('every line the agent wrote meanwhile arrives once, in order, retried with backoff', async () => {
      const { id, customer } = await held('Is anyone there?');
      const before = p.hits().length;
      p.script(['503', '503', '429', '503']);
      const lines = ['Sorry, one moment', 'Your order left today', 'Tracking: ZX-42'];
      const acks = [];
      for (const line of lines) acks.push(await agent.send(id, line));
      for (const ack of acks)
        await eventually(
          () => agent.delivery(id, ack.seq)?.status === 'sent',
          15_000,
          `line ${ack.seq} sent`,
        );

      assert.deepEqual(p.received(customer), lines, 'each line once, in the order written');
      const hits = p.hits().slice(before);
      assert.deepEqual(
        hits.map((h) => h.status === 503 || h.status === 502 || h.status === 429),
        [true, true, true, true, false, false, false],
        'four refusals, then the three lines: nothing else reached the provider',
      );
      // Equal jitter: each retry waits at least half of its backoff (100, 200, then 400 ms)…
      assert.ok(hits[1]!.at - hits[0]!.at >= BASE_MS / 2 - 5, 'the first retry waited');
      assert.ok(hits[2]!.at - hits[1]!.at >= BASE_MS - 5, 'the second retry waited twice as long');
      // …and after the 429, at least the wait the provider asked for.
      assert.ok(hits[3]!.at - hits[2]!.at >= RETRY_AFTER_S * 1000 - 5, 'the 429 was honoured');
      const { store } = p.srv.node.ctx;
      const rows = await Promise.all(acks.map((a) => store.outbox.get(p.accountId, id, a.seq)));
      assert.deepEqual(
        rows.map((r) => Number(r.attempts)),
        [5, 1, 1],
        'the later lines waited behind the first instead of trying on their own',
      );
    });

    it("a line that finally fails is marked failed with the provider's error, and the agent resends it", async () => {
      const { id, customer } = await held('Hello?');
      const before = p.hits().length;
      p.script(['503', '503', '503', '503', '503', '503']);
      const ack = await agent.send(id, 'We are back online');
      const failed = await eventually(
        () => {
          const d = agent.delivery(id, ack.seq);
          return d?.status === 'failed' ? d : null;
        },
        15_000,
        'the line failed',
      );
      assert.match(failed.reason ?? '', unavailable);
      assert.match(failed.reason ?? '', /gave up after 6 tries/);
      assert.equal(p.hits().length - before, 6, 'six tries, no more');
      assert.deepEqual(p.received(customer), []);
      // The history shows the same state and reason to whoever opens the conversation.
      const { cookie, csrf } = await cookieFor(p.srv, 'sales@demo.beckon.local');
      const view = await fetch(`${p.srv.url}/api/v1/conversations/${id}/messages`, { headers: { cookie } });
      assert.equal(view.status, 200);
      const line = (
        (await view.json()) as { items: { seq: number; deliveryStatus?: string; deliveryReason?: string }[] }
      ).items.find((m) => m.seq === ack.seq)!;
      assert.equal(line.deliveryStatus, 'failed');
      assert.match(line.deliveryReason ?? '', unavailable);

      // The provider is back; the agent presses Retry (the console calls this endpoint).
      const retry = await fetch(`${p.srv.url}/api/v1/conversations/${id}/messages/${ack.seq}/retry`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      assert.equal(retry.status, 204);
      await eventually(() => agent.delivery(id, ack.seq)?.status === 'sent', 5000, 'sent again');
      assert.deepEqual(p.received(customer), ['We are back online'], 'delivered once');
      assert.equal(p.hits().length - before, 7);
    });
  });
}
