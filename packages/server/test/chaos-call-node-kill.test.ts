import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallView } from '@beckon/protocol/call-protocol';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import { CallRequests } from '@beckon/sdk/call-requests';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import pg from 'pg';
import {
  assertNoCrash,
  type ChaosCluster,
  chaosSkipReason,
  startChaosCluster,
} from './helpers/chaos-cluster.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import type { NodeProcess } from './helpers/node-process.ts';

/** How long a side may be gone before its call ends as lost, on every node (seconds). */
const RECONNECT_S = 3;

/**
 * `kill -9` of the node that holds both sockets of a call (issue 32), on PostgreSQL and Redis with
 * the nodes in child processes. Sides that come back on the other node within the reconnect
 * window keep the call; a side that does not come back ends it as `network_lost`, on the sides
 * still there and in the record. In every case the agent is free afterwards: rung for a new
 * call, offered a new chat.
 */
describe('chaos: kill -9 of the node holding a call', () => {
  const skip = chaosSkipReason();
  let cluster: ChaosCluster;
  /** Nodes this suite killed on purpose (the crash check leaves them out). */
  const killed: NodeProcess[] = [];
  /** Sockets to close at the end (a killed node's are closed already). */
  const open: Array<() => Promise<unknown>> = [];
  before(async () => {
    if (skip) return;
    cluster = await startChaosCluster({
      nodes: 2,
      env: { BECKON_CALL_RECONNECT_SECONDS: String(RECONNECT_S), BECKON_CALL_RING_SECONDS: '10' },
    });
  });
  after(async () => {
    for (const close of open) await close().catch(() => {});
    await cluster?.close();
  });

  const calls = (c: AgentChatClient | VisitorChatClient) => new CallRequests(c.frames as never);
  /** The step now running: a failure names it (a timed-out frame does not say which request). */
  let step = '';
  const at = <T>(name: string, work: Promise<T>): Promise<T> => {
    step = name;
    return work;
  };
  /** Runs a test's body; a failure says at which step, with every node's warnings and errors. */
  const explained = (body: () => Promise<void>) => async () => {
    step = '';
    try {
      await body();
    } catch (err) {
      const lines = cluster.everyNode.flatMap((n) =>
        n
          .output()
          .split('\n')
          .filter((l) => /"level":(4|5|6)\d/.test(l))
          .slice(-15)
          .map((l) => `${n.name}: ${l.slice(0, 400)}`),
      );
      (err as Error).message += `\nlast step begun: ${step}\nnode warnings:\n${lines.join('\n') || '(none)'}`;
      throw err;
    }
  };
  /** The stored call, read over a connection of the test's own. */
  async function stored(callId: string) {
    const c = new pg.Client({ connectionString: cluster.pg.url });
    c.on('error', () => {});
    await c.connect();
    try {
      const r = await c.query('select state, end_reason, agent_id from calls where id = $1', [callId]);
      return r.rows[0] as { state: string; end_reason: string | null; agent_id: string | null };
    } finally {
      await c.end().catch(() => {});
    }
  }
  const agent = async (node: NodeProcess) => {
    // The demo's Sales agent: the only one online, so every chat and call goes to them.
    const a = await at(
      `the agent's console connects to ${node.name}`,
      // A request may wait 30 s for the survivor's busy pool (CI once gave up after the SDK's 10 s).
      AgentChatClient.connect(node.url, {
        cookie: cluster.account.agentCookies[1]!,
        requestTimeoutMs: 30_000,
      }),
    );
    open.push(() => a.disconnect());
    await at(`the agent goes online on ${node.name}`, a.setStatus('online'));
    return a;
  };
  const visitorOn = async (node: NodeProcess, name: string) => {
    const v = await at(
      `${name} starts a chat on ${node.name}`,
      VisitorChatClient.start(node.url, cluster.account.siteKey, {
        visitorId: `v${Math.random().toString(36).slice(2, 10)}`,
        skillId: cluster.account.salesSkillId,
        name,
      }),
    );
    open.push(() => v.close());
    return v;
  };

  /** A chat held by the agent on `node`, with a call answered in it. */
  async function callOn(node: NodeProcess, name: string) {
    const sales = await agent(node);
    const visitor = await visitorOn(node, name);
    const id = visitor.conversation.id;
    await eventually(() => sales.offers.has(id), 5000, 'offer');
    await at(`the agent accepts ${name}'s chat`, sales.accept(id));
    const ringing = calls(sales).nextCall((c) => c.state === 'ringing');
    await at(`${name} starts a call`, calls(visitor).start());
    const call = await ringing;
    const active = calls(visitor).nextCall((c) => c.state === 'active');
    await at(`the agent answers ${name}'s call`, calls(sales).accept(call.id));
    await active;
    return { sales, visitor, id, call };
  }

  /** The agent can take a new call (it rings them) and is offered a new chat. */
  async function agentIsFree(node: NodeProcess, sales: AgentChatClient, name: string) {
    const visitor = await visitorOn(node, name);
    const id = visitor.conversation.id;
    await eventually(
      () => sales.offers.has(id),
      8000,
      `a new chat offered to the agent after the kill (${name})`,
    );
    await at(`the agent accepts ${name}'s chat`, sales.accept(id));
    const rings = calls(sales).nextCall(
      (c: CallView) => c.state === 'ringing' && c.conversationId === id,
      8000,
    );
    await at(`${name} starts a call`, calls(visitor).start());
    const call = await rings;
    await at(`${name} hangs up while it rings`, calls(visitor).hangup(call.id));
    await visitor.close();
  }

  it(
    'both sides come back on the other node within the window: the call goes on, then ends as hung up',
    {
      skip: skip ?? false,
      timeout: 120_000,
    },
    explained(async () => {
      const [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
      const { sales, visitor, id, call } = await callOn(a, 'Ada');
      a.kill('SIGKILL');
      killed.push(a);
      await a.exited;
      // Both come back on the survivor, as behind a load balancer.
      const salesAgain = await agent(b);
      const back = await VisitorChatClient.connect(b.url, visitor.token!, 0);
      open.push(() => back.close());
      void sales.disconnect().catch(() => {});
      // The call goes on across the survivor: the agent holds and resumes it, the visitor sees both.
      const held = calls(back).nextCall((c) => c.id === call.id && c.state === 'held', 8000);
      await calls(salesAgain).hold(call.id, true);
      await held;
      const resumed = calls(back).nextCall((c) => c.id === call.id && c.state === 'active', 8000);
      await calls(salesAgain).hold(call.id, false);
      await resumed;
      // Past the reconnect window, the call is still going.
      await sleep(RECONNECT_S * 1000 + 2500);
      assert.equal((await stored(call.id)).state, 'active', 'the call survived the kill');
      const ended = calls(salesAgain).nextCall((c) => c.id === call.id && c.state === 'ended', 8000);
      await calls(back).hangup(call.id);
      const end = await ended;
      assert.equal(end.endReason, 'hangup');
      assert.equal(end.endedBy, 'visitor');
      await back.close();
      await salesAgain.close(id);
      await agentIsFree(b, salesAgain, 'Ada again');
      await salesAgain.disconnect();
      await cluster.restartNode(0);
      assertNoCrash(cluster, killed);
    }),
  );

  it(
    'the visitor does not come back: the call ends as network_lost for the agent and in the record, and the agent is free',
    {
      skip: skip ?? false,
      timeout: 120_000,
    },
    explained(async () => {
      const [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
      const { sales, visitor, call } = await callOn(a, 'Grace');
      a.kill('SIGKILL');
      killed.push(a);
      await a.exited;
      void visitor.close().catch(() => {});
      void sales.disconnect().catch(() => {});
      // Only the agent's console comes back, on the survivor.
      const salesAgain = await agent(b);
      const end = await calls(salesAgain).nextCall(
        (c) => c.id === call.id && c.state === 'ended',
        RECONNECT_S * 1000 + 10_000,
      );
      assert.equal(end.endReason, 'network_lost');
      const row = await stored(call.id);
      assert.equal(row.state, 'ended');
      assert.equal(row.end_reason, 'network_lost');
      // The visitor who comes back later reads that the call ended.
      const late = await at('Grace comes back late', VisitorChatClient.connect(b.url, visitor.token!, 0));
      open.push(() => late.close());
      await late.waitForMessage((m) => /^Call ended \(the connection was lost\)/.test(m.text), 8000);
      await late.close();
      await agentIsFree(b, salesAgain, 'Grace again');
      assertNoCrash(cluster, killed);
    }),
  );
});
