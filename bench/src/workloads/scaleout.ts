// Scale-out: W1 (ingest) and W3 (chat) against 1, 2 … N Beckon processes sharing one PostgreSQL
// schema (fresh per run, dropped after) and Redis, with the same generators as `ingest` and
// `chat`. Scaling efficiency = throughput at n nodes ÷ (n × throughput at 1 node). The one-node
// run shares PostgreSQL and Redis too, so only the node count changes. On a machine with fewer
// cores than nodes plus generator, this measures the cost of spreading out, not a speed-up.
// Knobs: --nodes N (largest), --rounds, --sockets, --batch, --pairs, --clients, --warmup.
// `--faults` runs the fault scenarios instead (scaleout-faults.ts), recorded as `scaleout-faults`.
import { availableParallelism } from 'node:os';
import { ChatClients } from '../load/chat-clients.ts';
import { SocketLoad } from '../load/socket-load.ts';
import { ackIdOf, ShopperScript } from '../load/visitor-frames.ts';
import { type BeckonNodes, startBeckonNodes } from '../servers/beckon-nodes.ts';
import { BENCH_ORIGIN } from '../servers/bench-site.ts';
import { median, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { chatKnobs, measure } from './chat.ts';
import { runScaleoutFaults } from './scaleout-faults.ts';

interface Figures {
  eventsPerSecond: number;
  ingestP99Ms: number;
  ingestServerCpuPercent: number;
  ingestClientCpuPercent: number;
  msgsPerSecond: number;
  chatP99Ms: number;
  chatServerCpuPercent: number;
  chatClientCpuPercent: number;
  errors: number;
  refused: number;
}

const sum = async (nodes: BeckonNodes) => {
  let s = 0;
  for (const server of nodes.servers) s += await server.cpuSeconds();
  return s;
};

/** W1's closed loop (the same shopper frames as `ingest`) with its sockets spread over the nodes. */
async function ingest(nodes: BeckonNodes, sockets: number, batch: number, seconds: number, warmup: number) {
  const urls = nodes.urls.map((u) => `${u.replace(/^http/, 'ws')}/v1/visitor?siteKey=${nodes.siteKey}`);
  const shoppers = new ShopperScript(BENCH_ORIGIN, batch, `scale-${Date.now()}`);
  const load = await SocketLoad.start({
    url: (i) => urls[i % urls.length]!,
    origin: BENCH_ORIGIN,
    sockets,
    hello: shoppers.hello,
    frame: shoppers.frame,
    ackId: ackIdOf,
    onOther: shoppers.onOther,
  });
  try {
    await new Promise((r) => setTimeout(r, warmup * 1000));
    const r = await load.measure(seconds, { servers: () => sum(nodes) });
    return {
      p99Ms: r.p99Ms,
      clientCpuPercent: r.clientCpuPercent,
      errors: r.errors,
      eventsPerSecond: r.framesPerSecond * batch,
      serverCpuPercent: r.cpuPercent.servers ?? 0,
    };
  } finally {
    await load.stop();
  }
}

/** One configuration: n nodes up, W1 then W3 on them, nodes down and their schema dropped. */
async function measureNodes(n: number, opts: BenchOptions): Promise<Figures> {
  const k = chatKnobs(opts, 8);
  const sockets = Number(opts.flags.sockets ?? 100);
  const batch = Number(opts.flags.batch ?? 10);
  const nodes = await startBeckonNodes({ nodes: n, shared: true, campaigns: 50, chatPairs: k.pairs });
  try {
    const w1 = await ingest(nodes, sockets, batch, k.seconds, k.warmupSeconds);
    opts.log(
      `  ${n} node(s) W1: ${Math.round(w1.eventsPerSecond)} events/s, p99 ${w1.p99Ms.toFixed(1)} ms; ` +
        `CPU servers ${w1.serverCpuPercent.toFixed(0)} %, client ${w1.clientCpuPercent.toFixed(0)} %; errors ${w1.errors}`,
    );
    const spec = {
      kind: 'beckon' as const,
      urls: nodes.urls,
      siteKey: nodes.siteKey,
      origin: BENCH_ORIGIN,
      agents: nodes.agents,
    };
    const clients = await ChatClients.start(spec, k.pairs, k.clients);
    try {
      const w3 = await measure(
        { name: `${n} node(s) W3`, clients, pids: nodes.pids },
        k,
        { kind: 'closed' },
        opts.log,
      );
      return {
        eventsPerSecond: w1.eventsPerSecond,
        ingestP99Ms: w1.p99Ms,
        ingestServerCpuPercent: w1.serverCpuPercent,
        ingestClientCpuPercent: w1.clientCpuPercent,
        msgsPerSecond: w3.msgsPerSecond,
        chatP99Ms: w3.p99Ms,
        chatServerCpuPercent: w3.serverCpuPercent,
        chatClientCpuPercent: w3.clientCpuPercent,
        errors: w1.errors + w3.errors,
        refused: w3.refused,
      };
    } finally {
      await clients.close();
    }
  } finally {
    await nodes.stop();
  }
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  if (opts.flags.faults !== undefined) return runScaleoutFaults(opts);
  const maxNodes = Math.max(1, Number(opts.flags.nodes ?? 3));
  const rounds = Math.max(1, Number(opts.flags.rounds ?? 1));
  const counts = Array.from({ length: maxNodes }, (_, i) => i + 1);
  const runs = new Map<number, Figures[]>(counts.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    opts.log(`round ${r + 1}: 1…${maxNodes} nodes on PostgreSQL + Redis`);
    for (const n of counts) runs.get(n)!.push(await measureNodes(n, opts));
  }
  const med = (n: number, f: (x: Figures) => number) => median(runs.get(n)!.map(f));
  const cores = availableParallelism();
  const out: BenchResult = {
    workload: 'scaleout',
    store: 'postgresql',
    bus: 'redis',
    cores,
    max_nodes: maxNodes,
    rounds,
    note:
      cores < maxNodes + 1
        ? `${cores} cores for up to ${maxNodes} nodes and the load generators: efficiency measures the overhead of spreading out, not a speed-up`
        : 'nodes and load generators share one machine',
  };
  const label = (n: number) => `${n}_node${n === 1 ? '' : 's'}`;
  const e1 = med(1, (x) => x.eventsPerSecond);
  const m1 = med(1, (x) => x.msgsPerSecond);
  let errors = 0;
  let refused = 0;
  for (const n of counts) {
    const events = med(n, (x) => x.eventsPerSecond);
    const msgs = med(n, (x) => x.msgsPerSecond);
    Object.assign(out, {
      [`ingest_events_per_s_${label(n)}`]: round(events),
      [`ingest_p99_ms_${label(n)}`]: round(med(n, (x) => x.ingestP99Ms)),
      [`ingest_server_cpu_percent_${label(n)}`]: round(med(n, (x) => x.ingestServerCpuPercent)),
      [`ingest_client_cpu_percent_${label(n)}`]: round(med(n, (x) => x.ingestClientCpuPercent)),
      [`chat_msgs_per_s_${label(n)}`]: round(msgs),
      [`chat_p99_ms_${label(n)}`]: round(med(n, (x) => x.chatP99Ms)),
      [`chat_server_cpu_percent_${label(n)}`]: round(med(n, (x) => x.chatServerCpuPercent)),
      [`chat_client_cpu_percent_${label(n)}`]: round(med(n, (x) => x.chatClientCpuPercent)),
    });
    if (n > 1) {
      out[`ingest_efficiency_${label(n)}`] = round(events / (n * e1));
      out[`chat_efficiency_${label(n)}`] = round(msgs / (n * m1));
    }
    errors += runs.get(n)!.reduce((s, x) => s + x.errors, 0);
    refused += runs.get(n)!.reduce((s, x) => s + x.refused, 0);
  }
  out.errors = errors;
  out.refused = refused;
  return out;
}
