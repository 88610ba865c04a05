import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import WebSocket from 'ws';
import { newTenant } from './engagement-fixtures.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { generator } from './helpers/seeded-random.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Limits out of the way, so hostile frames reach the chat logic instead of the rate limiter.
const UNLIMITED = '100000/100000';
const FRAMES = 2500;

const TEXTS = [
  '',
  'hello',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '\u0000\ud800',
  'é'.repeat(100),
  'y'.repeat(4000),
  'z'.repeat(5000),
];
const NUMBERS = [0, 1, 2, 5, 99, -1, 2 ** 31, 2 ** 31 + 1, 1.5, Number.MAX_SAFE_INTEGER];

interface Seen {
  /** Error codes answered, by side. */
  errors: Map<string, number>;
  /** Close codes, by side. */
  closes: Map<string, number>;
  /** Every frame the demo account's agents received, as text. */
  agentFrames: string[];
}

describe('chat sockets under a stream of hostile frames from visitors and agents', {
  timeout: 120_000,
}, () => {
  let srv: TestServer;
  let otherConversation: { accountId: string; id: string; status: string; messages: number };
  before(async () => {
    srv = await startTestServer({
      demo: true,
      env: {
        BECKON_RATE_CHAT_START: UNLIMITED,
        BECKON_RATE_CHAT_START_ADDRESS: UNLIMITED,
        BECKON_RATE_CHAT_FRAME: UNLIMITED,
        BECKON_RATE_CHAT_FRAME_ADDRESS: UNLIMITED,
        BECKON_RATE_AGENT_FRAME: UNLIMITED,
      },
    });
    // Another account's conversation: its id is among those the hostile frames name.
    const other = await newTenant(srv);
    const v = await VisitorChatClient.start(srv.url, other.site.siteKey, {
      visitorId: 'other-1',
      text: 'private',
    });
    const c = await srv.node.ctx.store.conversations.get(other.accountId, v.conversation.id);
    const messages = await srv.node.ctx.store.messages.after(other.accountId, c.id, 0);
    otherConversation = { accountId: other.accountId, id: c.id, status: c.status, messages: messages.length };
    await v.close();
  });
  after(() => srv.close());

  it('answers every kind of fault with an error frame or a close code, never an internal error, and leaks nothing', async () => {
    const { rnd, pick } = generator(20261125);
    const origin = new URL(srv.url).origin;
    const wsUrl = srv.url.replace(/^http/, 'ws');
    const demo = srv.demo!;
    const people = await Promise.all(
      ['sales@demo.beckon.local', 'support@demo.beckon.local', 'admin@demo.beckon.local'].map((e) =>
        cookieFor(srv, e),
      ),
    );
    const conversationIds = new Set([
      'nope',
      '__proto__',
      'constructor',
      'a'.repeat(64),
      otherConversation.id,
    ]);
    const agentIds = new Set(['__proto__', 'usr_none', ...people.map((p) => p.userId)]);
    const skillIds = new Set(['__proto__', 'skl_none', ...Object.values(demo.skillIds)]);
    const seen: Seen = { errors: new Map(), closes: new Map(), agentFrames: [] };
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

    const open = (path: string, side: 'visitor' | 'agent', headers: Record<string, string> = {}) =>
      new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(`${wsUrl}${path}`, { headers: { origin, ...headers } });
        ws.on('message', (data) => {
          const text = data.toString();
          if (side === 'agent') seen.agentFrames.push(text);
          const f = JSON.parse(text) as { type: string; code?: string; conversation?: { id?: string } };
          if (f.type === 'error') bump(seen.errors, `${side}:${f.code}`);
          if (f.conversation?.id) conversationIds.add(f.conversation.id);
        });
        ws.on('close', (code) => bump(seen.closes, `${side}:${code}`));
        ws.on('error', () => {});
        ws.once('open', () => resolve(ws));
        ws.once('unexpected-response', () => resolve(ws));
      });

    const id = () => pick([...conversationIds]);
    const maybe = <T>(v: T) => (rnd() < 0.5 ? v : undefined);
    const visitorFrame = (): Record<string, unknown> => {
      const type = pick([
        'hello',
        'start',
        'send',
        'send',
        'resume',
        'typing',
        'read',
        'end',
        'csat',
        'ping',
        'bogus',
      ]);
      switch (type) {
        case 'hello':
          return { type, token: pick(['x'.repeat(20), 'short', 'a'.repeat(128)]), afterSeq: pick(NUMBERS) };
        case 'start':
          return {
            type,
            siteKey: pick([demo.siteKey, 'nokey']),
            skillId: pick([...skillIds]),
            name: pick(TEXTS).slice(0, 120),
          };
        case 'send':
          return {
            type,
            echoId: `e${Math.floor(rnd() * 50)}`,
            text: pick(TEXTS),
            afterSeq: pick(NUMBERS),
            conversationId: maybe(id()),
          };
        case 'resume':
          return { type, afterSeq: pick(NUMBERS), conversationId: maybe(id()) };
        case 'typing':
          return { type, typing: rnd() < 0.5, conversationId: maybe(id()) };
        case 'read':
          return { type, seq: pick(NUMBERS), conversationId: maybe(id()) };
        case 'end':
          return { type, conversationId: maybe(id()) };
        case 'csat':
          return {
            type,
            score: pick([1, 3, 5, 0, 6, 2.5]),
            comment: pick(TEXTS).slice(0, 1000),
            conversationId: maybe(id()),
          };
        default:
          return { type };
      }
    };
    const agentFrame = (): Record<string, unknown> => {
      const type = pick([
        'status',
        'accept',
        'decline',
        'send',
        'send',
        'resume',
        'watch',
        'unwatch',
        'typing',
        'read',
        'transfer',
        'close',
        'ping',
      ]);
      const ref = `r${Math.floor(rnd() * 1000)}`;
      const conversationId = id();
      switch (type) {
        case 'status':
          return { type, status: pick(['online', 'away']), ref };
        case 'send':
          return {
            type,
            conversationId,
            echoId: `a${Math.floor(rnd() * 50)}`,
            text: pick(TEXTS),
            afterSeq: pick(NUMBERS),
            note: rnd() < 0.3,
          };
        case 'resume':
        case 'watch':
          return { type, conversationId, afterSeq: pick(NUMBERS), ref };
        case 'typing':
          return { type, conversationId, typing: rnd() < 0.5 };
        case 'read':
          return { type, conversationId, seq: pick(NUMBERS) };
        case 'transfer':
          return {
            type,
            conversationId,
            agentId: maybe(pick([...agentIds])),
            skillId: maybe(pick([...skillIds])),
            ref,
          };
        case 'close':
          return { type, conversationId, disposition: pick(['sold', 'x'.repeat(61)]), tags: ['a'], ref };
        default:
          return { type, conversationId, ref };
      }
    };
    /** Mostly schema-valid frames that make no sense; some broken, binary, or of the wrong shape. */
    const mutate = (f: Record<string, unknown>): string | Buffer => {
      const r = rnd();
      if (r < 0.75) return JSON.stringify(f);
      if (r < 0.8) return JSON.stringify(f).slice(0, Math.floor(rnd() * 30));
      if (r < 0.85) return Buffer.from([1, 2, 3]);
      if (r < 0.9)
        return JSON.stringify({ ...f, [pick(Object.keys(f))]: pick([null, 1, 'x', [], {}, true]) });
      if (r < 0.95) return JSON.stringify({ ...f, extra: 1 });
      return JSON.stringify(pick([null, 1, 'text', [], [f]]));
    };

    let visitors: WebSocket[] = [];
    let agents: WebSocket[] = [];
    for (let i = 0; i < FRAMES; i++) {
      if (visitors.length < 4) {
        const v = await open('/v1/chat', 'visitor');
        v.send(
          JSON.stringify({
            type: 'start',
            siteKey: demo.siteKey,
            visitorId: `fuzz-${i}`,
            skillId: maybe(pick([...skillIds])),
          }),
        );
        visitors.push(v);
      }
      if (agents.length < 3) {
        const a = await open('/v1/agent', 'agent', { cookie: pick(people).cookie });
        a.send(JSON.stringify({ type: 'status', status: 'online' }));
        agents.push(a);
      }
      const toVisitor = rnd() < 0.5;
      const ws = pick(toVisitor ? visitors : agents);
      if (ws.readyState === WebSocket.OPEN) {
        const data = mutate(toVisitor ? visitorFrame() : agentFrame());
        ws.send(data, { binary: Buffer.isBuffer(data) });
        if (rnd() < 0.02) ws.terminate(); // a connection cut mid-stream
      }
      visitors = visitors.filter((w) => w.readyState <= WebSocket.OPEN);
      agents = agents.filter((w) => w.readyState <= WebSocket.OPEN);
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 500));
    for (const w of [...visitors, ...agents]) w.terminate();

    // Faults were answered, by kind: the stream really reached the chat logic on both sides.
    for (const code of ['visitor:bad_frame', 'agent:bad_frame', 'agent:not_found', 'agent:not_assigned'])
      assert.ok((seen.errors.get(code) ?? 0) > 0, `${code} answered: ${JSON.stringify([...seen.errors])}`);
    assert.ok(
      (seen.closes.get('visitor:4400') ?? 0) > 0,
      'unreadable frames before authentication close with 4400',
    );
    // Never an internal error, never a server-side close for a failure of its own.
    assert.deepEqual(
      [...seen.errors.keys()].filter((k) => k.endsWith(':internal')),
      [],
      'no internal error frame',
    );
    assert.deepEqual(
      [...seen.closes.keys()].filter((k) => k.endsWith(':1011')),
      [],
      'no close for an internal error',
    );

    // The other account's conversation was named hundreds of times and is untouched, and unseen.
    const other = await srv.node.ctx.store.conversations.get(
      otherConversation.accountId,
      otherConversation.id,
    );
    assert.equal(other.status, otherConversation.status);
    const messages = await srv.node.ctx.store.messages.after(otherConversation.accountId, other.id, 0);
    assert.equal(messages.length, otherConversation.messages);
    for (const text of seen.agentFrames) {
      const f = JSON.parse(text) as {
        type: string;
        message?: { conversationId?: string };
        conversation?: { id?: string };
      };
      if (f.type === 'error') continue;
      assert.notEqual(
        f.message?.conversationId ?? f.conversation?.id,
        other.id,
        `leaked: ${text.slice(0, 200)}`,
      );
    }
    assert.ok(
      !seen.agentFrames.some((t) => t.includes('private')),
      'the other account’s text never reached these agents',
    );
  });

  it('serves a plain conversation normally afterwards', async () => {
    assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
    // A skill and an agent of their own: the demo's queues are full of the stream's abandoned chats
    // and its agents at capacity with the ones they accepted, as they should be.
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    const skill = await store.skills.create(accountId, { name: 'After the storm' });
    await store.users.create(accountId, {
      email: 'calm@demo.beckon.local',
      name: 'Calm Agent',
      role: 'agent',
      passwordHash: 'x',
      skillIds: [skill.id],
      capacity: 2,
    });
    const agent = await connectAgent(srv, 'calm@demo.beckon.local');
    try {
      const visitor = await startVisitor(srv, { skillId: skill.id, text: 'still there?' });
      const id = visitor.conversation.id;
      await eventually(() => agent.offers.has(id), 5000, 'offer');
      await agent.accept(id);
      await visitor.waitForConversation((c) => c.status === 'active');
      await agent.send(id, 'yes, here');
      await visitor.waitForMessage((m) => m.text === 'yes, here');
      await visitor.send('thanks');
      assert.equal((await agent.waitForMessage(id, (m) => m.text === 'thanks')).text, 'thanks');
      await visitor.close();
    } finally {
      await agent.disconnect();
    }
  });
});
