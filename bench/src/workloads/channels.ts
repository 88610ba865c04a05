// W9 channels: signed WhatsApp webhook deliveries → stored, routed and on the agent's socket.
// A fresh Beckon node in its own process (SQLite, default settings, rate limits off) holds a
// WhatsApp connection and A agents of its skill. C customers write in first (each conversation
// offered to an agent, who accepts); then K keep-alive HTTP connections post signed deliveries
// (Meta's "text message" shape, each with a new id shaped as WhatsApp's) as fast as the answers
// come, for a fixed time, against Beckon's webhook and against a do-nothing Fastify endpoint that
// checks the same signature (signed-webhook-sink.ts), in the same run. A paced run at half of
// Beckon's maximum measures delivery → agent socket latency. Every delivery answered 200 must
// reach an agent.
// Knobs: --customers, --agents, --capacity, --connections, --warmup, --rounds, --synchronous.
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { type ChildServer, procCpuSeconds, startChildServer } from '../child-server.ts';
import { startBeckonNodes } from '../servers/beckon-nodes.ts';
import type { ChannelsSeed } from '../servers/channels-seed.ts';
import { median, percentile, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';

const SINK = fileURLToPath(new URL('../baselines/signed-webhook-sink.ts', import.meta.url));

interface Knobs {
  customers: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

/** One measured window against one endpoint. */
interface Window {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuPercent: number;
  clientCpuPercent: number;
  failed: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Customer i's WhatsApp number (the `from` of their deliveries). */
const customer = (i: number) => String(15550000000 + i);

/**
 * A message id shaped as WhatsApp's are: `wamid.` and base64 of a small protobuf that holds the
 * sender's number and 20 random hex digits. Ids from one sender share a prefix, and within it fall
 * in no order, as real ones do; the provider-id key takes them where they sort.
 */
function wamid(from: string): string {
  const random = randomBytes(10).toString('hex').toUpperCase();
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, from.length]),
    Buffer.from(from),
    Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, random.length]),
    Buffer.from(random),
    Buffer.from([0x00]),
  ]);
  return `wamid.${bytes.toString('base64')}`;
}

/** A WhatsApp delivery of one text message from `from`, signed as Meta signs it. */
function delivery(seed: ChannelsSeed, from: string, id: string, text: string) {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: seed.phoneNumberId },
              contacts: [{ profile: { name: `Customer ${from}` }, wa_id: from }],
              messages: [
                {
                  from,
                  id,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const signature = `sha256=${createHmac('sha256', seed.appSecret).update(body).digest('hex')}`;
  return { body, signature };
}

/** Posts deliveries over keep-alive connections; resolves with the status code. */
class Poster {
  private readonly agent: Agent;
  constructor(
    private readonly port: number,
    private readonly path: string,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }
  post(d: { body: string; signature: string }): Promise<number> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: this.path,
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(d.body),
            'x-hub-signature-256': d.signature,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(d.body);
    });
  }
  close() {
    this.agent.destroy();
  }
}

/** The agents' sockets: accept every offer, and time each customer line's arrival by its text. */
class AgentSockets {
  readonly sockets: WebSocket[] = [];
  readonly accepted = new Set<string>();
  readonly arrived = new Map<string, number>();
  onArrival: (text: string, at: number) => void = () => {};

  async connect(url: string, seed: ChannelsSeed) {
    for (const a of seed.agents) {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/agent`, {
        headers: { cookie: a.cookie },
        perMessageDeflate: false,
      });
      const ready = new Promise<void>((resolve, reject) => {
        ws.on('message', (data) => {
          const f = JSON.parse(data.toString()) as {
            type: string;
            conversation?: { id: string };
            message?: { senderKind: string; text: string };
          };
          if (f.type === 'ready') resolve();
          else if (f.type === 'offer') {
            ws.send(JSON.stringify({ type: 'accept', conversationId: f.conversation!.id, ref: 'a' }));
            this.accepted.add(f.conversation!.id);
          } else if (f.type === 'message' && f.message!.senderKind === 'visitor') {
            const at = performance.now();
            this.arrived.set(f.message!.text, at);
            this.onArrival(f.message!.text, at);
          }
        });
        ws.once('error', reject);
      });
      this.sockets.push(ws);
      await ready;
    }
  }
  close() {
    for (const s of this.sockets) s.close(1000);
  }
}

/** A closed loop for `seconds` (after a warm-up): each connection posts the next delivery on each answer. */
async function closedLoop(
  poster: Poster,
  seed: ChannelsSeed,
  k: Knobs,
  serverPid: number,
  tag: string,
  sent: Map<string, number>,
): Promise<Window> {
  let n = 0;
  let ok = 0;
  let failed = 0;
  let measuring = false;
  let stop = false;
  const latencies: number[] = [];
  const worker = async () => {
    while (!stop) {
      const i = n++;
      const text = `${tag}-${i}`;
      const from = customer(i % k.customers);
      const d = delivery(seed, from, wamid(from), text);
      const t0 = performance.now();
      sent.set(text, t0);
      const status = await poster.post(d);
      if (!measuring) continue;
      if (status === 200) {
        ok++;
        latencies.push(performance.now() - t0);
      } else failed++;
    }
  };
  const workers = Array.from({ length: k.connections }, worker);
  await sleep(k.warmupSeconds * 1000);
  measuring = true;
  const cpu0 = await procCpuSeconds(serverPid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(k.seconds * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu1 = await procCpuSeconds(serverPid);
  const client = process.cpuUsage(client0);
  measuring = false;
  stop = true;
  await Promise.all(workers);
  return {
    perSecond: ok / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    serverCpuPercent: ((cpu1 - cpu0) / elapsed) * 100,
    clientCpuPercent: ((client.user + client.system) / 1e6 / elapsed) * 100,
    failed,
  };
}

/** Deliveries at `rate` per second for `seconds`; latency is the post → the agent socket's frame. */
async function paced(
  poster: Poster,
  seed: ChannelsSeed,
  agents: AgentSockets,
  k: Knobs,
  rate: number,
  tag: string,
) {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  agents.onArrival = (text, at) => {
    const t = sent.get(text);
    if (t !== undefined) latencies.push(at - t);
  };
  let failed = 0;
  const tickMs = 5;
  const total = Math.round(rate * k.seconds);
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i / rate) * 1000;
    const wait = due - performance.now();
    if (wait > tickMs) await sleep(wait);
    const text = `${tag}-${i}`;
    const from = customer(i % k.customers);
    const d = delivery(seed, from, wamid(from), text);
    sent.set(text, performance.now());
    pending.push(
      poster.post(d).then((s) => {
        if (s !== 200) failed++;
      }),
    );
  }
  await Promise.all(pending);
  const until = performance.now() + 5000;
  while (latencies.length + failed < total && performance.now() < until) await sleep(20);
  agents.onArrival = () => {};
  return {
    offered: rate,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    missing: total - failed - latencies.length,
    failed,
  };
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const rounds = Math.max(1, Number(opts.flags.rounds ?? 1));
  const agentsN = Number(opts.flags.agents ?? 20);
  const capacity = Number(opts.flags.capacity ?? 10);
  const k: Knobs = {
    customers: Number(opts.flags.customers ?? agentsN * capacity),
    // 64, not 32: Beckon answers after its group commit's sync to disk, so at 32 deliveries in
    // flight its socket thread still waited for work; the sink, bound by this generator, gains nothing.
    connections: Number(opts.flags.connections ?? 64),
    warmupSeconds: Number(opts.flags.warmup ?? 2),
    seconds: opts.duration ?? 8,
  };
  if (k.customers > agentsN * capacity) throw new Error('--customers must fit in --agents × --capacity');
  const nodes = await startBeckonNodes({
    campaigns: 0,
    env: {
      BENCH_CHANNELS: '1',
      BENCH_CHANNEL_AGENTS: String(agentsN),
      BENCH_CHANNEL_CAPACITY: String(capacity),
      // One generator address stands for every provider here: the per-address limit is for floods.
      BECKON_RATE_CHANNEL_HOOK: '0',
      // `--synchronous normal` shows what the syncs to disk cost (docs/operations.md).
      ...(opts.flags.synchronous ? { BECKON_SQLITE_SYNCHRONOUS: opts.flags.synchronous } : {}),
    },
  });
  let sink: ChildServer | undefined;
  const agents = new AgentSockets();
  const log = opts.log;
  try {
    const line = /^channels (.+)$/m.exec(nodes.servers[0]!.output)?.[1];
    if (!line) throw new Error('the bench node printed no channels seed');
    const seed = JSON.parse(line) as ChannelsSeed;
    sink = await startChildServer(SINK, { SECRET: seed.appSecret });
    const port = Number(new URL(nodes.urls[0]!).port);
    const beckon = new Poster(port, seed.hookPath, k.connections);
    const baseline = new Poster(sink.port, seed.hookPath, k.connections);
    await agents.connect(nodes.urls[0]!, seed);
    log(`channels: ${seed.agents.length} agents online; ${k.customers} customers write in first`);
    // Each customer's first message opens their conversation, which an agent accepts.
    for (let i = 0; i < k.customers; i++) {
      const from = customer(i);
      const status = await beckon.post(delivery(seed, from, wamid(from), `open-${i}`));
      if (status !== 200) throw new Error(`opening delivery ${i}: ${status}`);
    }
    const until = Date.now() + 30_000;
    while (agents.accepted.size < k.customers && Date.now() < until) await sleep(50);
    if (agents.accepted.size < k.customers)
      throw new Error(`only ${agents.accepted.size} of ${k.customers} conversations were accepted`);
    await sleep(500);

    const sinkRuns: Window[] = [];
    const runs: Window[] = [];
    const halves: Awaited<ReturnType<typeof paced>>[] = [];
    const sentAll = new Map<string, number>();
    const runTag = Date.now().toString(36);
    for (let r = 0; r < rounds; r++) {
      const s = await closedLoop(baseline, seed, k, sink.child.pid!, `${runTag}s${r}`, new Map());
      sinkRuns.push(s);
      log(
        `  fastify sink: ${Math.round(s.perSecond)} deliveries/s, p99 ${s.p99Ms.toFixed(1)} ms; CPU server ` +
          `${s.serverCpuPercent.toFixed(0)} %, client ${s.clientCpuPercent.toFixed(0)} %`,
      );
      const b = await closedLoop(beckon, seed, k, nodes.pids[0]!, `${runTag}b${r}`, sentAll);
      runs.push(b);
      log(
        `  beckon: ${Math.round(b.perSecond)} deliveries/s (answer p99 ${b.p99Ms.toFixed(1)} ms), ratio ` +
          `${(b.perSecond / s.perSecond).toFixed(2)}; CPU server ${b.serverCpuPercent.toFixed(0)} %, client ` +
          `${b.clientCpuPercent.toFixed(0)} %; failed ${b.failed}`,
      );
    }
    // Let the closed loops' last lines reach the agents, then count what never did.
    await sleep(3000);
    let missingClosed = 0;
    for (const text of sentAll.keys()) if (!agents.arrived.has(text)) missingClosed++;
    const max = median(runs.map((r) => r.perSecond));
    for (let r = 0; r < rounds; r++) {
      const h = await paced(beckon, seed, agents, k, max / 2, `${runTag}h${r}`);
      halves.push(h);
      log(
        `  beckon at half of the max (${Math.round(max / 2)}/s): delivery → agent p50 ${h.p50Ms.toFixed(1)} ms, ` +
          `p99 ${h.p99Ms.toFixed(1)} ms; missing ${h.missing}, failed ${h.failed}`,
      );
    }
    beckon.close();
    baseline.close();
    const med = <T>(xs: T[], f: (x: T) => number) => round(median(xs.map(f)));
    return {
      workload: 'channels',
      rounds,
      sqlite_synchronous: opts.flags.synchronous ?? 'full',
      agents: agentsN,
      customers: k.customers,
      connections: k.connections,
      seconds: k.seconds,
      deliveries_per_s: round(max),
      fastify_sink_deliveries_per_s: med(sinkRuns, (r) => r.perSecond),
      ratio_vs_fastify_sink: round(median(runs.map((b, i) => b.perSecond / sinkRuns[i]!.perSecond))),
      target_ratio: 0.5,
      answer_p99_ms_at_max: med(runs, (r) => r.p99Ms),
      half_load_offered_per_s: round(max / 2),
      p50_ms: med(halves, (h) => h.p50Ms),
      p99_ms: med(halves, (h) => h.p99Ms),
      target_p99_ms: 50,
      server_cpu_percent: med(runs, (r) => r.serverCpuPercent),
      server_us_per_delivery: med(runs, (r) => (r.serverCpuPercent / 100 / r.perSecond) * 1e6),
      fastify_sink_server_cpu_percent: med(sinkRuns, (r) => r.serverCpuPercent),
      fastify_sink_us_per_delivery: med(sinkRuns, (r) => (r.serverCpuPercent / 100 / r.perSecond) * 1e6),
      client_cpu_percent: med(runs, (r) => r.clientCpuPercent),
      deliveries_failed: runs.reduce((n, r) => n + r.failed, 0) + halves.reduce((n, h) => n + h.failed, 0),
      deliveries_missing: missingClosed + halves.reduce((n, h) => n + h.missing, 0),
    };
  } finally {
    agents.close();
    await sink?.stop();
    await nodes.stop();
  }
}
