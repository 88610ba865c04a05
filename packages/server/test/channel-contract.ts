import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@beckon/protocol/chat-api';
import type { ContactKeys } from '@beckon/protocol/contacts-api';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import {
  type Channel,
  type ChannelCapabilities,
  type ChannelKind,
  ChannelSendError,
  type OutboundMessage,
  type SendResult,
} from '../src/channels/channel.ts';
import { channelsOf } from '../src/channels/channels-feature.ts';
import { backoffMs } from '../src/channels/outbox-dispatcher.ts';
import { cookieFor, eventually } from './helpers/chat-fixtures.ts';
import type { TestServer } from './helpers/test-server.ts';

/** The far end of one conversation on the channel under test: what reached the customer. */
export interface FarEnd {
  conversationId: string;
  /** Every copy of a line that reached the customer, in arrival order (a line twice counts twice). */
  received(): string[];
}

/**
 * One channel implementation, set up for the contract: a server (started with `OUTBOX_TEST_ENV`)
 * where the channel is registered, an agent connected and online, and a way to open a
 * conversation whose customer's side can be counted.
 */
export interface ChannelHarness {
  srv: TestServer;
  accountId: string;
  channel: Channel;
  agent: AgentChatClient;
  /** A new customer's keys as this channel knows its senders. */
  customer(): ContactKeys;
  /** A conversation with a new customer on this channel, assigned to `agent`, and its far end. */
  open(): Promise<FarEnd>;
  close(): Promise<void>;
}

/**
 * Outbox settings for the contract's server: quick polls, short backoffs, three tries. The lease
 * outlasts a send on a loaded machine: a lease that ran out mid-send would send the line again (at
 * least once, by design), and the counts below would read a duplicate. The dead node's test claims
 * with a short lease of its own.
 */
export const OUTBOX_TEST_ENV = {
  BECKON_OUTBOX_POLL_MS: '50',
  BECKON_OUTBOX_LEASE_MS: '2000',
  BECKON_OUTBOX_RETRY_BASE_MS: '100',
  BECKON_OUTBOX_RETRY_MAX_MS: '400',
  BECKON_OUTBOX_MAX_ATTEMPTS: '3',
};

type Step = 'ok' | 'retryable' | 'final' | 'hang';

/**
 * A real channel living in the test, registered for a kind no other channel uses: it follows a
 * script (fail, fail for good, never answer) and otherwise hands the line to the channel under
 * test, so failures and leases are driven on purpose while what succeeds still goes the real way.
 */
export class FlakyChannel implements Channel {
  readonly calls: { key: string; at: number; attemptsSeen: number }[] = [];
  script: Step[] = [];

  constructor(
    readonly kind: ChannelKind,
    private readonly inner: Channel,
    private readonly attemptsOf: (key: string) => Promise<number>,
  ) {}

  get capabilities(): ChannelCapabilities {
    return this.inner.capabilities;
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    this.calls.push({
      key: msg.idempotencyKey,
      at: Date.now(),
      attemptsSeen: await this.attemptsOf(msg.idempotencyKey),
    });
    const step = this.script.shift() ?? 'ok';
    if (step === 'retryable') throw new ChannelSendError('provider answered 503', true);
    if (step === 'final') throw new ChannelSendError('recipient address rejected', false);
    if (step === 'hang') return new Promise<never>(() => {});
    const r = await this.inner.send(msg);
    return { ...r, providerId: `flaky-${msg.idempotencyKey}` };
  }

  sendsOf(key: string): number {
    return this.calls.filter((c) => c.key === key).length;
  }
}

const capabilityShape = (c: ChannelCapabilities) => {
  for (const flag of ['typing', 'readReceipts', 'richContent', 'templates'] as const)
    assert.equal(typeof c[flag], 'boolean', flag);
  assert.ok(Number.isInteger(c.maxLength) && c.maxLength > 0, 'maxLength is a positive integer');
  if (c.attachments !== null) {
    assert.ok(Number.isInteger(c.attachments.maxBytes) && c.attachments.maxBytes > 0, 'attachments.maxBytes');
    assert.ok(c.attachments.types.length > 0, 'attachment types are listed');
    for (const t of c.attachments.types) assert.match(t, /^[a-z]+\/[a-z0-9.+-]+$/, 'a MIME type');
  }
};

/**
 * The channel contract: every channel implementation (web chat, e-mail, …) passes these, as the
 * store and the bus pass theirs. `make` starts a harness; `skip` is a stated reason to skip.
 */
export function channelContract(
  name: string,
  make: () => Promise<ChannelHarness>,
  skip?: () => string | null,
) {
  describe(`channel contract: ${name}`, () => {
    const reason = skip ? skip() : null;
    let h: ChannelHarness;
    let flaky: FlakyChannel;
    const test = (title: string, fn: () => Promise<void>) => it(title, reason ? { skip: reason } : {}, fn);
    const outbox = () => channelsOf(h.srv.node.ctx).outbox;
    const store = () => h.srv.node.ctx.store;
    const rowOf = (conversationId: string, seq: number) =>
      store().outbox.get(h.accountId, conversationId, seq);

    before(async () => {
      if (reason) return;
      h = await make();
      // Voice stands in for "a channel that fails": no connector serves it.
      flaky = new FlakyChannel('voice', h.channel, async (key) => {
        const row = await store()
          .db.selectFrom('outbox')
          .select('attempts')
          .where('idempotency_key', '=', key)
          .executeTakeFirst();
        return Number(row?.attempts ?? 0);
      });
      channelsOf(h.srv.node.ctx).registry.register(flaky);
    });
    after(async () => {
      if (!reason) await h.close();
    });

    /** A conversation on the flaky channel with the harness's customer, held by the agent. */
    const flakyConversation = async (): Promise<string> => {
      const r = await channelsOf(h.srv.node.ctx).inbox.receive({
        channel: 'voice',
        accountId: h.accountId,
        siteId: null,
        from: h.customer(),
        externalId: `voice-${Math.random().toString(36).slice(2)}`,
        text: 'Hello from the flaky channel',
      });
      const id = r.conversation.id;
      await eventually(() => h.agent.offers.get(id), 5000, 'the offer');
      await h.agent.accept(id);
      return id;
    };

    /** What the console's REST view says of a line. */
    const viewed = async (conversationId: string, seq: number): Promise<Message> => {
      const { cookie } = await cookieFor(h.srv, 'sales@demo.beckon.local');
      const res = await fetch(
        `${h.srv.url}/api/v1/conversations/${conversationId}/messages?afterSeq=${seq - 1}`,
        {
          headers: { cookie },
        },
      );
      assert.equal(res.status, 200);
      const body = (await res.json()) as { items: Message[] };
      return body.items.find((m) => m.seq === seq)!;
    };

    test('declares well-formed capabilities and is registered for its kind', async () => {
      capabilityShape(h.channel.capabilities);
      assert.equal(channelsOf(h.srv.node.ctx).registry.get(h.channel.kind), h.channel);
    });

    test('inbound traffic becomes a contact, a conversation on the channel and a line, once', async () => {
      const inbox = channelsOf(h.srv.node.ctx).inbox;
      const msg = {
        channel: h.channel.kind,
        accountId: h.accountId,
        siteId: null,
        from: h.customer(),
        externalId: `contract-${Math.random().toString(36).slice(2)}`,
        text: 'Is this thing on?',
      };
      const first = await inbox.receive(msg);
      assert.equal(first.duplicate, false);
      assert.equal(first.conversation.channel, h.channel.kind);
      assert.equal(first.conversation.contactId, first.contact.id);
      assert.equal(first.message.senderKind, 'visitor');
      assert.equal(first.message.text, 'Is this thing on?');
      const again = await inbox.receive(msg);
      assert.equal(again.duplicate, true);
      assert.equal(again.message.seq, first.message.seq);
      const lines = await store().messages.after(h.accountId, first.conversation.id, 0);
      assert.equal(lines.filter((m) => m.text === 'Is this thing on?').length, 1);
    });

    test("an agent's line reaches the customer exactly once", async () => {
      const far = await h.open();
      const text = `Exactly once ${Math.random().toString(36).slice(2)}`;
      const ack = await h.agent.send(far.conversationId, text);
      await eventually(() => far.received().includes(text), 5000, 'the line at the far end');
      // Settled (when it went through the outbox), then the dispatcher looks again: nothing more goes out.
      const row = await store()
        .db.selectFrom('outbox')
        .selectAll()
        .where('conversation_id', '=', far.conversationId)
        .where('seq', '=', ack.seq)
        .executeTakeFirst();
      if (row) {
        const settled = await eventually(async () => {
          const r = await rowOf(far.conversationId, ack.seq);
          return ['sent', 'delivered', 'read'].includes(r.status) ? r : null;
        });
        assert.equal(settled.attempts, 1);
      }
      outbox().wake();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(far.received().filter((t) => t === text).length, 1);
    });

    test('a line the channel refuses for good ends failed with the reason; Retry sends it once more', async () => {
      const id = await flakyConversation();
      flaky.script = ['final'];
      const ack = await h.agent.send(id, 'This one bounces');
      assert.equal(ack.deliveryStatus, 'queued');
      const failed = await eventually(() => {
        const d = h.agent.delivery(id, ack.seq);
        return d?.status === 'failed' ? d : null;
      });
      assert.equal(failed.reason, 'recipient address rejected');
      const seen = await viewed(id, ack.seq);
      assert.equal(seen.deliveryStatus, 'failed');
      assert.equal(seen.deliveryReason, 'recipient address rejected');
      assert.equal(flaky.sendsOf(`${id}:${ack.seq}`), 1, 'a final failure is not retried');

      const { cookie, csrf } = await cookieFor(h.srv, 'sales@demo.beckon.local');
      const retry = (seq: number) =>
        fetch(`${h.srv.url}/api/v1/conversations/${id}/messages/${seq}/retry`, {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': csrf },
        });
      assert.equal((await retry(ack.seq)).status, 204);
      await eventually(() => ['sent', 'delivered'].includes(h.agent.delivery(id, ack.seq)?.status ?? ''));
      assert.equal(flaky.sendsOf(`${id}:${ack.seq}`), 2);
      const again = await retry(ack.seq);
      assert.equal(again.status, 409, 'only a failed line is sent again');
      assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'not_failed');
      assert.equal((await retry(ack.seq - 1)).status, 404, "the customer's own line never went out");
    });

    test('a retryable failure is tried again after a backoff with the same key; spent tries end failed', async () => {
      const id = await flakyConversation();
      flaky.script = ['retryable', 'retryable'];
      const ack = await h.agent.send(id, 'Third time lucky');
      const key = `${id}:${ack.seq}`;
      await eventually(async () => ['sent', 'delivered'].includes((await rowOf(id, ack.seq)).status));
      const calls = flaky.calls.filter((c) => c.key === key);
      assert.equal(calls.length, 3);
      assert.deepEqual(
        calls.map((c) => c.attemptsSeen),
        [1, 2, 3],
      );
      // Each retry waits at least half its backoff (equal jitter): 50 ms, then 100 ms.
      assert.ok(calls[1]!.at - calls[0]!.at >= 50, 'the first retry waited');
      assert.ok(calls[2]!.at - calls[1]!.at >= 100, 'the second retry waited twice as long');

      flaky.script = ['retryable', 'retryable', 'retryable'];
      const lost = await h.agent.send(id, 'Never through');
      const failed = await eventually(async () => {
        const r = await rowOf(id, lost.seq);
        return r.status === 'failed' ? r : null;
      });
      assert.equal(failed.attempts, 3);
      assert.equal(failed.last_error, 'provider answered 503 (gave up after 3 tries)');
      assert.equal(flaky.sendsOf(`${id}:${lost.seq}`), 3);
    });

    test('a node that dies between claim and success: the line is sent again with the same key', async () => {
      const id = await flakyConversation();
      // This node's dispatcher stands still while another "node" claims the line and dies mid-send.
      await outbox().stop();
      const ack = await h.agent.send(id, 'Sent by the survivor');
      const key = `${id}:${ack.seq}`;
      const [claimed] = await store().outbox.claim(Date.now(), 10, 400);
      assert.equal(claimed?.idempotency_key, key);
      flaky.script = ['hang'];
      void flaky.send({
        accountId: h.accountId,
        conversationId: id,
        seq: ack.seq,
        channel: 'voice',
        contact: null,
        text: 'Sent by the survivor',
        attachments: [],
        idempotencyKey: key,
        senderName: null,
      });
      outbox().start();
      const done = await eventually(async () => {
        const r = await rowOf(id, ack.seq);
        return ['sent', 'delivered'].includes(r.status) ? r : null;
      });
      assert.equal(done.attempts, 2, 'claimed twice: once by the dead node, once after its lease ran out');
      assert.deepEqual(
        flaky.calls.filter((c) => c.key === key).map((c) => c.key),
        [key, key],
      );
    });

    test("a channel's read receipt moves the line to read for the agent, and a late one never back", async () => {
      const id = await flakyConversation();
      const ack = await h.agent.send(id, 'Did you get this?');
      const sent = await eventually(async () => {
        const r = await rowOf(id, ack.seq);
        return ['sent', 'delivered'].includes(r.status) ? r : null;
      });
      assert.equal(sent.provider_id, `flaky-${id}:${ack.seq}`);
      const moved = await outbox().receipt(
        h.accountId,
        { channel: 'voice', providerId: sent.provider_id! },
        'read',
      );
      assert.equal(moved, true);
      await eventually(() => h.agent.delivery(id, ack.seq)?.status === 'read', 5000, 'the read report');
      assert.equal(
        await outbox().receipt(h.accountId, { conversationId: id, seq: ack.seq }, 'delivered'),
        false,
      );
      assert.equal((await rowOf(id, ack.seq)).status, 'read');
      assert.equal(
        await outbox().receipt('acct_other', { channel: 'voice', providerId: sent.provider_id! }, 'read'),
        false,
        "another account's receipt finds nothing",
      );
    });

    test('a line of a kind no channel serves fails with "no channel"', async () => {
      // A kind nothing registered, whichever connectors this server has.
      const kinds: ChannelKind[] = ['messenger', 'instagram', 'api', 'whatsapp', 'telegram', 'sms'];
      const idle = kinds.find((k) => !channelsOf(h.srv.node.ctx).registry.get(k))!;
      const r = await channelsOf(h.srv.node.ctx).inbox.receive({
        channel: idle,
        accountId: h.accountId,
        siteId: null,
        from: h.customer(),
        externalId: `idle-${Math.random().toString(36).slice(2)}`,
        text: 'A message nobody can answer',
      });
      const id = r.conversation.id;
      await eventually(() => h.agent.offers.get(id), 5000, 'the offer');
      await h.agent.accept(id);
      const ack = await h.agent.send(id, 'Nobody carries this');
      const failed = await eventually(async () => {
        const row = await rowOf(id, ack.seq);
        return row.status === 'failed' ? row : null;
      });
      assert.match(failed.last_error ?? '', new RegExp(`no channel for ${idle}`));
    });

    test('backoff doubles from the base, is capped, and jitters within its upper half', async () => {
      const opts = { retryBaseMs: 2000, retryMaxMs: 15 * 60_000 };
      for (let attempts = 1; attempts <= 12; attempts++) {
        const full = Math.min(opts.retryMaxMs, 2000 * 2 ** (attempts - 1));
        const d = backoffMs(attempts, opts);
        assert.ok(d >= full / 2 && d <= full, `attempt ${attempts}: ${d} within [${full / 2}, ${full}]`);
      }
    });
  });
}
