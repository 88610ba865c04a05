// Scale-out faults (issue 35): chats in progress across two nodes on a private PostgreSQL and Redis
// (`--pairs` chats, both sides sending every `--interval-ms`: a few hundred lines a second), then
// one fault, each on a fresh cluster: Redis stopped 10 s, PostgreSQL stopped 10 s (`pg_ctl -m fast`),
// kill -9 of the node holding routing work (with `--arrivals` new chats a second), and the network
// between one node and both services cut for 10 s (connections reset; then a silent network).
// Per fault: recovery_ms (healed → first line across nodes; after the kill → first chat routed on
// the survivor), acked_during_fault, lost (must be 0), duplicated, nodes_exited (must be 0).

import { setTimeout as sleep } from 'node:timers/promises';
import { AgentBot } from '../../../packages/server/test/helpers/agent-bot.ts';
import { type ChaosCluster, startChaosCluster } from '../../../packages/server/test/helpers/chaos-cluster.ts';
import { ChatArrivals } from '../../../packages/server/test/helpers/chat-arrivals.ts';
import { LockWatch } from '../../../packages/server/test/helpers/lock-watch.ts';
import type { NodeProcess } from '../../../packages/server/test/helpers/node-process.ts';
import { CrossingChats } from '../faults/crossing-chats.ts';
import { round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';

const FAULTS = ['redis_stop', 'pg_stop', 'node_kill', 'net_cut_reset', 'net_cut_hang'] as const;
type Fault = (typeof FAULTS)[number];
const OUTAGE_MS = 10_000;
/** How long after the heal a recovery is waited for before it is recorded as none. */
const RECOVERY_LIMIT_MS = 45_000;

interface Figures {
  recovery_ms: number | string;
  readyz_recovery_ms?: number | string;
  acked_during_fault: number;
  lost: number;
  duplicated: number;
  nodes_exited: number;
  msgs_per_s_before: number;
}

/**
 * Polls until `check` holds: the time it first did; undefined after `limitMs`, or at once when
 * every node of the cluster has exited (nothing can recover then).
 */
async function until(cluster: ChaosCluster, check: () => boolean | Promise<boolean>) {
  const end = Date.now() + RECOVERY_LIMIT_MS;
  while (Date.now() < end && cluster.nodes.some((n) => n.alive())) {
    if (await check()) return Date.now();
    await sleep(20);
  }
  return undefined;
}

const since = (cluster: ChaosCluster, t: number | undefined, from: number) => {
  if (t !== undefined) return t - from;
  return cluster.nodes.some((n) => n.alive())
    ? `none within ${RECOVERY_LIMIT_MS / 1000} s`
    : 'none: every node exited';
};

/** Every node that exited (other than one killed on purpose) or printed a crash line. */
const exitedNodes = (cluster: ChaosCluster, killed?: NodeProcess) =>
  cluster.everyNode.filter((n) => n !== killed && (!n.alive() || n.crashLines().length > 0)).length;

/** The outage itself, from the fault to its heal; resolves with the heal's time. */
async function outage(cluster: ChaosCluster, fault: Exclude<Fault, 'node_kill'>): Promise<number> {
  const link = cluster.links[0]!;
  if (fault === 'redis_stop') await cluster.redis.stop();
  else if (fault === 'pg_stop') await cluster.pg.stop('fast');
  else {
    const mode = fault === 'net_cut_reset' ? 'reset' : 'hang';
    link.pg.cut(mode);
    link.redis.cut(mode);
  }
  await sleep(OUTAGE_MS);
  if (fault === 'redis_stop') await cluster.redis.start();
  else if (fault === 'pg_stop') await cluster.pg.start();
  else {
    link.pg.heal();
    link.redis.heal();
  }
  return Date.now();
}

/** Kills the node holding routing work while chats arrive; recovery = first chat routed on the survivor. */
async function nodeKill(cluster: ChaosCluster, chats: CrossingChats, perSecond: number) {
  const offeredAt = new Map<string, number>();
  const bots: AgentBot[] = [];
  for (const [i, cookie] of cluster.account.agentCookies.slice(2).entries()) {
    const bot = new AgentBot(cookie, offeredAt);
    await bot.connect(cluster.nodes[i % 2]!.url);
    bots.push(bot);
  }
  const watch = await LockWatch.start(cluster.redis.url, cluster.links);
  const arrivals = new ChatArrivals(cluster.account, [...cluster.nodes], perSecond);
  try {
    await sleep(3000);
    const slot = await watch.holderOrLast(3000);
    const victim = cluster.nodes[slot]!;
    const survivor = cluster.nodes[1 - slot]!;
    const killedAt = Date.now();
    victim.kill('SIGKILL');
    arrivals.nodes = [survivor];
    await victim.exited;
    await sleep(400); // the lost node's consoles reconnect to the survivor
    for (const [i, bot] of bots.entries()) if (i % 2 === slot) await bot.connect(survivor.url);
    const after = () => arrivals.startedOn(survivor, killedAt);
    const routed = await until(cluster, () => after().some((c) => offeredAt.has(c.id)));
    await arrivals.stop();
    // The last chats started get their offers (or never do).
    const end = Date.now() + 5000;
    while (Date.now() < end && !after().every((c) => offeredAt.has(c.id))) await sleep(50);
    const waits = after().map((c) => (offeredAt.get(c.id) ?? Number.POSITIVE_INFINITY) - c.at);
    return {
      recovery_ms: since(cluster, routed, killedAt),
      slowest_offer_ms: Number.isFinite(Math.max(...waits)) ? Math.max(...waits) : 'some never offered',
      acked_during_fault: chats.ackedBetween(killedAt, Date.now()),
      victim,
    };
  } finally {
    watch.close();
    await arrivals.close();
    await Promise.all(bots.map((b) => b.disconnect()));
  }
}

async function runFault(
  fault: Fault,
  opts: BenchOptions,
): Promise<Figures & Record<string, number | string>> {
  const pairs = Number(opts.flags.pairs ?? 30);
  const intervalMs = Number(opts.flags['interval-ms'] ?? 200);
  const perSecond = Number(opts.flags.arrivals ?? 12);
  const cluster = await startChaosCluster({ nodes: 2 });
  let chats: CrossingChats | undefined;
  try {
    chats = await CrossingChats.start(cluster, pairs, intervalMs);
    const t0 = Date.now();
    const a0 = chats.acked();
    await sleep(3000);
    const rate = ((chats.acked() - a0) * 1000) / (Date.now() - t0);
    let extra: Record<string, number | string> = {};
    let figures: Pick<Figures, 'recovery_ms' | 'readyz_recovery_ms' | 'acked_during_fault'>;
    let killed: NodeProcess | undefined;
    if (fault === 'node_kill') {
      const k = await nodeKill(cluster, chats, perSecond);
      killed = k.victim;
      figures = { recovery_ms: k.recovery_ms, acked_during_fault: k.acked_during_fault };
      extra = { slowest_offer_ms: k.slowest_offer_ms };
    } else {
      const down = Date.now();
      const healed = await outage(cluster, fault);
      const acked = chats.ackedBetween(down, healed);
      const crossed = await until(cluster, () => chats!.firstCrossingAfter(healed) !== undefined);
      const ready = await until(cluster, async () => {
        for (const n of cluster.nodes) if ((await n.readyz()).status !== 200) return false;
        return true;
      });
      figures = {
        recovery_ms: since(
          cluster,
          crossed === undefined ? undefined : chats.firstCrossingAfter(healed),
          healed,
        ),
        readyz_recovery_ms: since(cluster, ready, healed),
        acked_during_fault: acked,
      };
    }
    await chats.stop();
    await sleep(2500); // late acks arrive (or never will)
    const audit = await chats.audit(cluster);
    const out = {
      ...figures,
      ...extra,
      lost: audit.lost,
      duplicated: audit.duplicated,
      nodes_exited: exitedNodes(cluster, killed),
      msgs_per_s_before: round(rate),
    };
    opts.log(`  ${fault}: ${JSON.stringify(out)}`);
    return out;
  } finally {
    await chats?.close();
    await cluster.close();
  }
}

/** `npm run bench -- scaleout --faults [--only FAULT,…] [--pairs N] [--interval-ms N] [--arrivals N]`. */
export async function runScaleoutFaults(opts: BenchOptions): Promise<BenchResult> {
  const only = opts.flags.only ? opts.flags.only.split(',') : [...FAULTS];
  const unknown = only.filter((f) => !(FAULTS as readonly string[]).includes(f));
  if (unknown.length)
    throw new Error(`unknown fault ${unknown.join(', ')}; choose from ${FAULTS.join(', ')}`);
  const out: BenchResult = {
    workload: 'scaleout-faults',
    store: 'postgresql (private)',
    bus: 'redis (private)',
    nodes: 2,
    chats_in_progress: Number(opts.flags.pairs ?? 30),
    send_interval_ms: Number(opts.flags['interval-ms'] ?? 200),
    outage_s: OUTAGE_MS / 1000,
  };
  for (const fault of only as Fault[]) {
    opts.log(`fault ${fault}`);
    for (const [k, v] of Object.entries(await runFault(fault, opts))) out[`${fault}_${k}`] = v;
  }
  return out;
}
