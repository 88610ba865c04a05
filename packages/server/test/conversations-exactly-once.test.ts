import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AgentServerFrame } from '@beckon/protocol/chat-protocol';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { type DemoSeedResult, seedDemo } from '../src/demo/seed.ts';
import { type BeckonNode, createNode } from '../src/node.ts';
import { ApiClient } from './helpers/api-client.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow, TEST_PG_URL } from './helpers/postgres.ts';
import { redisSkipReasonNow, TEST_REDIS_URL } from './helpers/redis.ts';
import { freshPgStore, type PgTestStore } from './helpers/schema-template.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();
const REDIS_SKIP = redisSkipReasonNow();

const AGENTS = 40;
const CAPACITY = 2;
const CONVERSATIONS = 500;
/** Chats waiting while every agent's slots are taken. */
const WAITING = 40;
/** Chats closed so far; each close starts the next chat (`feed`). */
let closed = 0;
let feed = async () => {};
/** Whether chats are still to be started. */
let more = () => false;

/** What one agent's socket received, in order, and the closes it asked for. */
interface AgentLog {
  userId: string;
  client: AgentChatClient;
  frames: AgentServerFrame[];
  /**
   * Per close, by its ref: the frame count when it was sent, whether the agent's slots were all
   * taken then, and where its `done` arrived.
   */
  closes: Map<string, { conversationId: string; sentAt: number; full: boolean; doneAt?: number }>;
  /** Chats assigned to this agent. */
  held: Set<string>;
  /** Chats that take one of the agent's slots as the console knows: offered or held, not yet closed. */
  slots: Set<string>;
  /** Accepts what it is offered (the shutdown case turns this off). */
  accepting: boolean;
  failures: string[];
}

/** Log lines at warn and above, kept to assert that a node said nothing was wrong. */
function recordingLogger(lines: string[]) {
  return pino(
    { level: 'warn' },
    {
      write(line: string) {
        lines.push(line);
      },
    },
  );
}

/** Nodes in one process on one store (and one bus): agents and visitors spread over them. */
async function startNodes(
  count: number,
  opts: { databaseUrl?: string; redisUrl?: string; pgSchema?: string; dataDir: string; logs: string[] },
): Promise<{ nodes: BeckonNode[]; demo: DemoSeedResult }> {
  const nodes: BeckonNode[] = [];
  for (let i = 0; i < count; i++) {
    const env = {
      // 500 chats from one test address, none of them with a socket of its own.
      BECKON_RATE_CHAT_START_ADDRESS: '0',
      BECKON_CHAT_VISITOR_AWAY_SECONDS: '600',
    };
    const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir: opts.dataDir, logLevel: 'warn' }, env);
    config.databaseUrl = opts.databaseUrl;
    config.redisUrl = opts.redisUrl;
    const node = await createNode(config, { logger: recordingLogger(opts.logs), pgSchema: opts.pgSchema });
    await node.listen();
    nodes.push(node);
  }
  const demo = await seedDemo(nodes[0]!.ctx.store, {
    publicUrl: nodes[0]!.url,
    dataDir: opts.dataDir,
    adminPassword: 'demo-admin-pw',
    agentPassword: 'demo-agent-pw',
  });
  return { nodes, demo };
}

/**
 * 40 agents with two chat slots each, on every node; 500 chats started across the nodes, 40
 * more at a time than there are slots. Each
 * agent accepts what it is offered (half of them previewing it first, as the console does), writes
 * one line and closes the chat. Returns what every agent's socket received.
 */
async function runAssignments(nodes: BeckonNode[], demo: DemoSeedResult): Promise<AgentLog[]> {
  const { store } = nodes[0]!.ctx;
  const { accountId } = demo;
  const skillId = demo.skillIds.sales;
  // The demo's own people take no part.
  await store.db.updateTable('users').set({ capacity: 0 }).where('account_id', '=', accountId).execute();
  const agents: AgentLog[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const user = await store.users.create(accountId, {
      email: `once-${i}@demo.beckon.local`,
      name: `Once ${i}`,
      role: 'agent',
      passwordHash: 'x',
      skillIds: [skillId],
      capacity: CAPACITY,
      status: 'online',
    });
    const { token } = await store.authSessions.create(user.id, accountId, 3600_000);
    const client = await AgentChatClient.connect(nodes[i % nodes.length]!.url, {
      cookie: `beckon_session=${token}`,
    });
    const log: AgentLog = {
      userId: user.id,
      client,
      frames: [],
      closes: new Map(),
      held: new Set(),
      slots: new Set(),
      accepting: true,
      failures: [],
    };
    client.frames.on((f) => {
      log.frames.push(f);
      if (f.type === 'done') {
        const close = log.closes.get(f.ref);
        if (close) {
          close.doneAt = log.frames.length - 1;
          log.slots.delete(close.conversationId);
        }
      }
      if (f.type === 'offer' && log.accepting) {
        log.slots.add(f.conversation.id);
        // Half preview the chat while it is offered, as the console does.
        if (i % 2 === 0)
          client.watch(f.conversation.id, 0).catch((err) => log.failures.push(`watch: ${err}`));
        client.accept(f.conversation.id).catch((err) => log.failures.push(`accept: ${err}`));
      }
      if (f.type === 'assigned' && !log.held.has(f.conversation.id)) {
        log.held.add(f.conversation.id);
        void work(log, f.conversation.id);
      }
    });
    agents.push(log);
  }

  // Chats start as others end, so a few more wait than the agents have slots: every slot stays taken.
  const apis = nodes.map((n) => new ApiClient(n.app));
  const refused: number[] = [];
  let started = 0;
  closed = 0;
  more = () => started < CONVERSATIONS;
  feed = async () => {
    while (started < CONVERSATIONS && started - closed < AGENTS * CAPACITY + WAITING) {
      const i = started++;
      const r = await apis[i % apis.length]!.request(
        'POST',
        '/api/v1/chat/conversations',
        { visitorId: `once${i}`, skillId },
        { 'x-beckon-site-key': demo.siteKey },
      );
      if (r.status !== 201) refused.push(r.status);
    }
  };
  try {
    await feed();
    await eventually(() => started === CONVERSATIONS, 330_000, 'every chat started');
  } finally {
    // A test that failed starts nothing more on nodes about to close.
    started = CONVERSATIONS;
  }
  assert.deepEqual(refused, [], 'every chat started');
  await eventually(
    async () => {
      const open = await store.db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where('status', '!=', 'closed')
        .executeTakeFirstOrThrow();
      return Number(open.n) === 0;
    },
    30_000,
    'every chat closed',
  );
  return agents;
}

/** One held chat: a line from the agent, then the close, noting where its `done` fell. */
async function work(log: AgentLog, conversationId: string): Promise<void> {
  try {
    await log.client.send(conversationId, 'Hello, how can I help?');
    // Held until the other slot is taken too (or no more chats come): the close frees a full agent.
    await eventually(() => log.slots.size >= CAPACITY || !more(), 15_000).catch(() => {});
    // Sent by hand, to know which `done` answers it.
    const ref = `close-${conversationId}`;
    const answer = log.client.frames.next((f) => 'ref' in f && f.ref === ref, 10_000);
    log.closes.set(ref, {
      conversationId,
      sentAt: log.frames.length,
      full: log.slots.size >= CAPACITY,
    });
    log.client.frames.send({ type: 'close', conversationId, ref });
    const f = await answer;
    if (f.type !== 'done') throw new Error(`close refused: ${JSON.stringify(f)}`);
    closed++;
    void feed();
  } catch (err) {
    log.failures.push(`${conversationId}: ${err}`);
  }
}

/** Each agent socket got each message of its chats once, in order, and every `done` before the next offer. */
async function assertExactlyOnce(nodes: BeckonNode[], demo: DemoSeedResult, agents: AgentLog[]) {
  const { store } = nodes[0]!.ctx;
  assert.deepEqual(
    agents.flatMap((a) => a.failures),
    [],
    'no accept, line or close failed',
  );
  assert.equal(
    agents.reduce((n, a) => n + a.held.size, 0),
    CONVERSATIONS,
    'every chat was assigned once',
  );
  const problems: string[] = [];
  let fullCloses = 0;
  for (const a of agents) {
    for (const conversationId of a.held) {
      const stored = await store.messages.after(demo.accountId, conversationId, 0, { limit: 100 });
      const expected = stored.map((m) => m.seq);
      // The last line ("The chat has ended.") may still be on its way: it was stored before `done`.
      const got = await eventually(
        () => {
          const seqs = received(a, conversationId);
          return seqs.length >= expected.length ? seqs : undefined;
        },
        5000,
        `every line of ${conversationId}`,
      ).catch(() => received(a, conversationId));
      const ordered = messageSeqs(a, conversationId);
      if (ordered.some((s, k) => k > 0 && s <= ordered[k - 1]!))
        problems.push(`${a.userId} ${conversationId}: messages out of order or twice: ${ordered.join(',')}`);
      if (got.join(',') !== expected.join(','))
        problems.push(`${a.userId} ${conversationId}: got ${got.join(',')}, stored ${expected.join(',')}`);
    }
    for (const c of a.closes.values()) {
      // A close is visible in the store at its COMMIT; its `done` follows the sync to disk.
      await eventually(() => c.doneAt !== undefined, 5000).catch(() => {});
      assert.ok(c.doneAt !== undefined && c.doneAt >= c.sentAt, 'each close was answered');
      // Every slot taken: an offer between the close and its `done` came from the slot the close freed.
      if (!c.full) continue;
      fullCloses++;
      const early = a.frames.slice(c.sentAt, c.doneAt).filter((f) => f.type === 'offer');
      if (early.length > 0)
        problems.push(`${a.userId}: an offer arrived before the done of ${c.conversationId}`);
    }
  }
  assert.deepEqual(problems, [], `${problems.length} delivery faults`);
  // A fifth of the chats is enough to show the order holds; fewer would let the check pass untested.
  assert.ok(fullCloses > CONVERSATIONS / 5, `${fullCloses} closes made with every slot taken`);
}

/** The sequence numbers a socket received for a conversation (messages and acks of its own lines), sorted. */
function received(a: AgentLog, conversationId: string): number[] {
  const acks = a.frames.flatMap((f) =>
    f.type === 'ack' && f.conversationId === conversationId ? [f.seq] : [],
  );
  return [...messageSeqs(a, conversationId), ...acks].sort((x, y) => x - y);
}

/** The sequence numbers of a conversation's `message` frames, in the order the socket received them. */
function messageSeqs(a: AgentLog, conversationId: string): number[] {
  return a.frames.flatMap((f) =>
    f.type === 'message' && f.message.conversationId === conversationId ? [f.message.seq] : [],
  );
}

describe('exactly once per agent socket on PostgreSQL: two nodes, Redis between them', () => {
  const skip = PG_SKIP ?? REDIS_SKIP;
  let pg: PgTestStore | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-once-'));
  const logs: string[] = [];
  let nodes: BeckonNode[] = [];
  let demo: DemoSeedResult;
  before(async () => {
    if (skip) return;
    pg = await freshPgStore(TEST_PG_URL);
    ({ nodes, demo } = await startNodes(2, {
      databaseUrl: pg.url,
      redisUrl: TEST_REDIS_URL,
      pgSchema: pg.schema,
      dataDir,
      logs,
    }));
  });
  after(async () => {
    for (const n of nodes) await n.close();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let agents: AgentLog[] = [];
  it(
    '500 assignments: every line once and in order, every done before the next offer',
    skip ? { skip } : { timeout: 400_000 },
    async () => {
      agents = await runAssignments(nodes, demo);
      await assertExactlyOnce(nodes, demo, agents);
    },
  );

  it(
    'a node stopped with consoles open stops without a warning, and leaves their offers to them',
    skip ? { skip } : { timeout: 30_000 },
    async () => {
      const [a, b] = nodes as [BeckonNode, BeckonNode];
      for (const agent of agents) agent.accepting = false;
      // Only the agents on node B are there to be offered the next chat.
      await Promise.all(agents.filter((_, i) => i % 2 === 0).map((x) => x.client.setStatus('away')));
      const started = await new ApiClient(a.app).request(
        'POST',
        '/api/v1/chat/conversations',
        { visitorId: 'once-last', skillId: demo.skillIds.sales },
        { 'x-beckon-site-key': demo.siteKey },
      );
      assert.equal(started.status, 201);
      const id: string = started.body.conversation.id;
      const offered = await eventually(
        async () => (await a.ctx.store.conversations.get(demo.accountId, id)).offeredTo,
        10_000,
        'an offer to an agent on node B',
      );
      assert.ok(agents.some((x, i) => i % 2 === 1 && x.userId === offered));
      const before = logs.length;
      await b.close();
      // A node that stops sends its consoles to another node: the agent keeps the offer to take it
      // there (it is withdrawn at its expiry if they never come back), and nothing failed on the way.
      const c = await a.ctx.store.conversations.get(demo.accountId, id);
      assert.equal(c.status, 'offered');
      assert.equal(c.offeredTo, offered);
      assert.deepEqual(logs.slice(before), [], 'node B stopped without a warning');
    },
  );
});

describe('exactly once per agent socket on SQLite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-once-'));
  const logs: string[] = [];
  let nodes: BeckonNode[] = [];
  let demo: DemoSeedResult;
  before(async () => {
    ({ nodes, demo } = await startNodes(1, { dataDir, logs }));
  });
  after(async () => {
    for (const n of nodes) await n.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('500 assignments: every line once and in order, every done before the next offer', {
    timeout: 200_000,
  }, async () => {
    const agents = await runAssignments(nodes, demo);
    await assertExactlyOnce(nodes, demo, agents);
  });
});
