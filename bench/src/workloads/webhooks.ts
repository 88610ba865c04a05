// W11 webhooks: chat pairs exchange lines over Beckon's real sockets (as W3) on a node with one
// webhook endpoint subscribed to `message.created`, pointing at a receiver in this process that
// answers 200. Every stored line is queued in its own transaction, claimed by the dispatcher,
// signed and posted. Max deliveries/s from a closed chat loop; p99 enqueue → delivered (the
// event's timestamp, set in the transaction that queued it, to the receiver reading the whole
// request) from a paced loop at half of that. Knobs: --pairs, --rounds, --warmup.
//
// Chat can store lines faster than one node delivers them. Then the closed loop leaves a backlog
// in the outbox, and a paced round that starts on it measures the backlog's drain, not delivery.
// So each window waits for the receiver to fall quiet first, and the paced rounds run at half of
// the lower of the two capacities: chat's lines/s and delivery's deliveries/s.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatClients } from '../load/chat-clients.ts';
import { startBeckonNodes } from '../servers/beckon-nodes.ts';
import { BENCH_ORIGIN } from '../servers/bench-site.ts';
import { median, percentile, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { chatKnobs, pacedAt } from './chat.ts';

/** A receiver that answers every delivery 200 and keeps its latency and id. */
async function startReceiver() {
  const ids = new Set<string>();
  let duplicates = 0;
  let latencies: number[] = [];
  let count = 0;
  let bad = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const id = String(req.headers['webhook-id']);
      if (ids.has(id)) duplicates++;
      ids.add(id);
      try {
        const e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
        latencies.push(at - Date.parse(e.timestamp));
        count++;
      } catch {
        bad++;
      }
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    /** Resolves once no delivery has arrived for `quietMs` (the outbox drained), or after `limitMs`. */
    async drained(quietMs: number, limitMs: number): Promise<number> {
      const started = Date.now();
      let seen = ids.size;
      let lastChange = Date.now();
      while (Date.now() - lastChange < quietMs && Date.now() - started < limitMs) {
        await new Promise((r) => setTimeout(r, 100));
        if (ids.size !== seen) {
          seen = ids.size;
          lastChange = Date.now();
        }
      }
      return Date.now() - started;
    },
    /** Starts a window: forgets what came before. */
    reset() {
      latencies = [];
      count = 0;
    },
    window: () => ({ count, latencies }),
    totals: () => ({ unique: ids.size, duplicates, bad }),
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const k = chatKnobs(opts, 8);
  const rounds = Math.max(1, Number(opts.flags.rounds ?? 3));
  const rx = await startReceiver();
  const nodes = await startBeckonNodes({
    campaigns: 0,
    chatPairs: k.pairs,
    env: { BENCH_WEBHOOK_URL: rx.url, BECKON_WEBHOOKS_ALLOW_PRIVATE: '1' },
  });
  let clients: ChatClients | undefined;
  try {
    clients = await ChatClients.start(
      {
        kind: 'beckon',
        urls: nodes.urls,
        siteKey: nodes.siteKey,
        origin: BENCH_ORIGIN,
        agents: nodes.agents,
      },
      k.pairs,
      k.clients,
    );
    opts.log(`${k.pairs} pairs; ${rounds} round(s) of ${k.seconds} s (+${k.warmupSeconds} s warm-up)`);
    /** One window of chat load; deliveries counted from the end of its warm-up to a second after it. */
    const window = async (pacing: Parameters<ChatClients['run']>[0]['pacing']) => {
      const drainMs = await rx.drained(1000, 120_000);
      if (drainMs > 1500)
        opts.log(`  (the backlog of the window before took ${(drainMs / 1000).toFixed(1)} s to drain)`);
      const warm = setTimeout(() => rx.reset(), k.warmupSeconds * 1000);
      const r = await clients!.run(
        { warmupSeconds: k.warmupSeconds, seconds: k.seconds, pacing },
        nodes.pids,
      );
      clearTimeout(warm);
      const w = rx.window();
      const perSecond = w.count / k.seconds;
      const p99 = percentile(w.latencies, 99);
      opts.log(
        `  ${pacing.kind}: ${Math.round(r.msgsPerSecond)} msgs/s stored, ${Math.round(perSecond)} deliveries/s, ` +
          `enqueue→delivered p50 ${percentile(w.latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ` +
          `server CPU ${r.serverCpuPercent.toFixed(0)} %`,
      );
      return {
        msgs: r.msgsPerSecond,
        deliveries: perSecond,
        p99,
        p50: percentile(w.latencies, 50),
        cpu: r.serverCpuPercent,
        errors: r.errors,
      };
    };
    const closed = [];
    for (let i = 0; i < rounds; i++) closed.push(await window({ kind: 'closed' }));
    const max = median(closed.map((r) => r.deliveries));
    const maxMsgs = median(closed.map((r) => r.msgs));
    const half = [];
    // Each stored line is one delivery. Half load is half of what both chat and delivery keep up with.
    const halfLoad = Math.min(max, maxMsgs) / 2;
    for (let i = 0; i < rounds; i++) half.push(await window(pacedAt(halfLoad, k.pairs)));
    await new Promise((r) => setTimeout(r, 1500));
    const totals = rx.totals();
    return {
      workload: 'webhooks',
      pairs: k.pairs,
      seconds: k.seconds,
      rounds,
      deliveries_per_s: round(max),
      msgs_per_s_at_max: round(maxMsgs),
      // Above 1, chat outruns delivery: a sustained maximum grows the outbox (docs/webhooks.md).
      chat_to_delivery_ratio: round(maxMsgs / max),
      half_load_msgs_per_s: round(halfLoad),
      target_deliveries_per_s: 2000,
      p99_ms_at_max: round(median(closed.map((r) => r.p99))),
      half_load_deliveries_per_s: round(median(half.map((r) => r.deliveries))),
      p50_ms: round(median(half.map((r) => r.p50))),
      p99_ms: round(median(half.map((r) => r.p99))),
      target_p99_ms: 100,
      server_cpu_percent: round(median(closed.map((r) => r.cpu))),
      duplicate_deliveries: totals.duplicates,
      unreadable_deliveries: totals.bad,
      errors: [...closed, ...half].reduce((n, r) => n + r.errors, 0),
    };
  } finally {
    await clients?.close().catch(() => {});
    await nodes.stop();
    await rx.close();
  }
}
