// W3 chat: C visitor↔agent conversation pairs exchange lines — the visitor writes, the agent
// answers each line — over Beckon's real sockets (/v1/chat and /v1/agent; every line stored and
// acknowledged after commit, then delivered), and over the Socket.IO and raw-ws relays (rooms,
// nothing stored) with the same generator. Max msgs/s from a closed loop; latency at half of
// Beckon's max from a paced (open) loop. Knobs: --pairs, --clients (processes), --rounds, --warmup;
// --ab KEY=VALUE adds a second Beckon node started with that environment variable, measured in
// every round beside the first (an A/B comparison of a setting in the same run).
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer } from '../child-server.ts';
import { ChatClients, type ChatRun } from '../load/chat-clients.ts';
import type { Pacing } from '../load/chat-pairs.ts';
import type { ChatTransportSpec } from '../load/chat-transports.ts';
import { type DiskFlushRun, diskFlushes } from '../load/disk-flushes.ts';
import { startBeckonNodes } from '../servers/beckon-nodes.ts';
import { BENCH_ORIGIN } from '../servers/bench-site.ts';
import { median, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';

const RAW = fileURLToPath(new URL('../baselines/raw-ws-relay.ts', import.meta.url));
const SOCKETIO = fileURLToPath(new URL('../baselines/socketio-relay.ts', import.meta.url));

/** A server under load with its connected pairs. */
interface Target {
  name: string;
  clients: ChatClients;
  pids: number[];
  runs: ChatRun[];
  stop(): Promise<void>;
}

/** Knobs shared by W3 and the scale-out workload. */
export interface ChatKnobs {
  pairs: number;
  clients: number;
  warmupSeconds: number;
  seconds: number;
}

/** Reads W3's knobs from the command line, with defaults that finish in a few minutes. */
export function chatKnobs(opts: BenchOptions, defaultSeconds = 8): ChatKnobs {
  return {
    pairs: Number(opts.flags.pairs ?? 200),
    clients: Number(opts.flags.clients ?? 1),
    warmupSeconds: Number(opts.flags.warmup ?? 2),
    seconds: opts.duration ?? defaultSeconds,
  };
}

/** Runs one window over a target, logs it, keeps it. */
export async function measure(
  t: Pick<Target, 'name' | 'clients' | 'pids'> & { runs?: ChatRun[] },
  k: ChatKnobs,
  pacing: Pacing,
  log: (line: string) => void,
): Promise<ChatRun> {
  const r = await t.clients.run({ warmupSeconds: k.warmupSeconds, seconds: k.seconds, pacing }, t.pids);
  t.runs?.push(r);
  log(
    `  ${t.name}${pacing.kind === 'paced' ? ' (paced)' : ''}: ${Math.round(r.msgsPerSecond)} msgs/s, ` +
      `p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms; CPU server ${r.serverCpuPercent.toFixed(0)} % (main thread ${r.serverMainThreadCpuPercent.toFixed(0)} %), ` +
      `clients ${r.clientCpuPercent.toFixed(0)} %; errors ${r.errors}${r.refused ? `, refused ${r.refused}` : ''}`,
  );
  return r;
}

async function relayTarget(kind: 'raw_ws' | 'socketio', k: ChatKnobs): Promise<Target> {
  const server: ChildServer = await startChildServer(kind === 'socketio' ? SOCKETIO : RAW);
  const url = `${kind === 'socketio' ? 'http' : 'ws'}://127.0.0.1:${server.port}`;
  const spec: ChatTransportSpec = { kind, urls: [url] };
  const clients = await ChatClients.start(spec, k.pairs, k.clients).catch(async (err) => {
    await server.stop();
    throw err;
  });
  return {
    name: kind,
    clients,
    pids: [server.child.pid!],
    runs: [],
    stop: async () => {
      await clients.close();
      await server.stop();
    },
  };
}

async function beckonTarget(k: ChatKnobs, env?: Record<string, string>): Promise<Target> {
  const nodes = await startBeckonNodes({ campaigns: 0, chatPairs: k.pairs, env });
  const spec: ChatTransportSpec = {
    kind: 'beckon',
    urls: nodes.urls,
    siteKey: nodes.siteKey,
    origin: BENCH_ORIGIN,
    agents: nodes.agents,
  };
  const clients = await ChatClients.start(spec, k.pairs, k.clients).catch(async (err) => {
    await nodes.stop();
    throw err;
  });
  return {
    name: env ? `beckon[${Object.entries(env).map(([key, v]) => `${key}=${v}`)}]` : 'beckon',
    clients,
    pids: nodes.pids,
    runs: [],
    stop: async () => {
      await clients.close();
      await nodes.stop();
    },
  };
}

/** The paced loop that offers `msgsPerSecond` over `pairs` pairs (each visitor line is answered: 2 msgs). */
export const pacedAt = (msgsPerSecond: number, pairs: number): Pacing => ({
  kind: 'paced',
  intervalMs: (2 * 1000 * pairs) / msgsPerSecond,
});

const med = (runs: ChatRun[], f: (r: ChatRun) => number) => median(runs.map(f));
const nsPerMsg = (r: ChatRun) => (r.serverCpuPercent / 100 / r.msgsPerSecond) * 1e9;

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const k = chatKnobs(opts);
  const rounds = Math.max(1, Number(opts.flags.rounds ?? 3));
  const ab = typeof opts.flags.ab === 'string' ? /^(\w+)=(.*)$/.exec(opts.flags.ab) : null;
  if (opts.flags.ab !== undefined && !ab) throw new Error('--ab takes KEY=VALUE');
  opts.log(
    `${k.pairs} pairs from ${k.clients} client process(es); ${rounds} round(s) of ${k.seconds} s (+${k.warmupSeconds} s warm-up)`,
  );
  const targets: Target[] = [];
  try {
    targets.push(await relayTarget('raw_ws', k));
    targets.push(await relayTarget('socketio', k));
    targets.push(await beckonTarget(k));
    const [raw, sio, beckon] = targets as [Target, Target, Target];
    const variant = ab ? await beckonTarget(k, { [ab[1]!]: ab[2]! }) : undefined;
    if (variant) targets.push(variant);
    // Rounds interleave the three servers so that a noisy neighbour hurts them alike.
    for (let r = 0; r < rounds; r++) {
      opts.log(`round ${r + 1}: closed loop`);
      for (const t of targets) await measure(t, k, { kind: 'closed' }, opts.log);
    }
    const max = med(beckon.runs, (r) => r.msgsPerSecond);
    const target = max / 2;
    const half: ChatRun[] = [];
    const variantHalf: ChatRun[] = [];
    // The relays paced at the same rate: the tail that the generator and the machine give alone.
    const sioHalf: ChatRun[] = [];
    const rawHalf: ChatRun[] = [];
    // The disk alone, paced as the node commits: the tail a durable acknowledgement starts from.
    const disk: DiskFlushRun[] = [];
    for (let r = 0; r < rounds; r++) {
      opts.log(`half of Beckon's max: ${Math.round(target)} msgs/s offered`);
      rawHalf.push(await measure({ ...raw, runs: undefined }, k, pacedAt(target, k.pairs), opts.log));
      sioHalf.push(await measure({ ...sio, runs: undefined }, k, pacedAt(target, k.pairs), opts.log));
      half.push(await measure({ ...beckon, runs: undefined }, k, pacedAt(target, k.pairs), opts.log));
      const d = await diskFlushes(k.seconds);
      disk.push(d);
      opts.log(
        `  disk (paced flushes): ${d.commitsPerSecond} commits/s of ${d.bytesPerCommit / 1024} KB, ` +
          `p50 ${d.p50Ms.toFixed(2)} ms, p99 ${d.p99Ms.toFixed(2)} ms, max ${d.maxMs.toFixed(1)} ms; ${d.flushes} flushes`,
      );
      if (variant)
        variantHalf.push(
          await measure({ ...variant, runs: undefined }, k, pacedAt(target, k.pairs), opts.log),
        );
    }
    const achieved = med(half, (r) => r.msgsPerSecond);
    if (Math.abs(achieved / target - 1) > 0.05)
      opts.log(
        `  warning: achieved ${Math.round(achieved)} msgs/s, ${((achieved / target) * 100).toFixed(0)} % of the offered load`,
      );
    // Ratios are taken within each round (same minute, same neighbours), then the median.
    const ratio = (base: Target) =>
      median(beckon.runs.map((b, i) => b.msgsPerSecond / base.runs[i]!.msgsPerSecond));
    const all = [
      ...raw.runs,
      ...sio.runs,
      ...beckon.runs,
      ...half,
      ...rawHalf,
      ...sioHalf,
      ...(variant?.runs ?? []),
      ...variantHalf,
    ];
    return {
      workload: 'chat',
      pairs: k.pairs,
      client_processes: k.clients,
      seconds: k.seconds,
      rounds,
      msgs_per_s: round(max),
      ...(variant
        ? {
            ab_setting: variant.name,
            ab_msgs_per_s: round(med(variant.runs, (r) => r.msgsPerSecond)),
            ab_ratio_vs_socketio: round(
              median(variant.runs.map((b, i) => b.msgsPerSecond / sio.runs[i]!.msgsPerSecond)),
            ),
            ab_server_ns_per_msg: round(med(variant.runs, nsPerMsg)),
            ab_p99_ms: round(med(variantHalf, (r) => r.p99Ms)),
          }
        : {}),
      socketio_msgs_per_s: round(med(sio.runs, (r) => r.msgsPerSecond)),
      raw_ws_msgs_per_s: round(med(raw.runs, (r) => r.msgsPerSecond)),
      ratio_vs_socketio: round(ratio(sio)),
      ratio_vs_raw_ws: round(ratio(raw)),
      target_ratio_vs_socketio: 1,
      p50_ms_at_max: round(med(beckon.runs, (r) => r.p50Ms)),
      p99_ms_at_max: round(med(beckon.runs, (r) => r.p99Ms)),
      socketio_p99_ms_at_max: round(med(sio.runs, (r) => r.p99Ms)),
      raw_ws_p99_ms_at_max: round(med(raw.runs, (r) => r.p99Ms)),
      half_load_offered_msgs_per_s: round(target),
      half_load_msgs_per_s: round(achieved),
      p50_ms: round(med(half, (r) => r.p50Ms)),
      p99_ms: round(med(half, (r) => r.p99Ms)),
      agent_to_visitor_p99_ms: round(med(half, (r) => r.agentP99Ms)),
      target_p99_ms: 20,
      socketio_p99_ms_at_half_load: round(med(sioHalf, (r) => r.p99Ms)),
      raw_ws_p99_ms_at_half_load: round(med(rawHalf, (r) => r.p99Ms)),
      disk_flush_p99_ms_at_half_load: round(median(disk.map((d) => d.p99Ms))),
      server_cpu_percent: round(med(beckon.runs, (r) => r.serverCpuPercent)),
      server_main_thread_cpu_percent: round(med(beckon.runs, (r) => r.serverMainThreadCpuPercent)),
      socketio_server_cpu_percent: round(med(sio.runs, (r) => r.serverCpuPercent)),
      raw_ws_server_cpu_percent: round(med(raw.runs, (r) => r.serverCpuPercent)),
      half_load_server_cpu_percent: round(med(half, (r) => r.serverCpuPercent)),
      half_load_server_main_thread_cpu_percent: round(med(half, (r) => r.serverMainThreadCpuPercent)),
      // Server CPU per delivered message: steadier than msgs/s when neighbours take the cores.
      server_ns_per_msg: round(med(beckon.runs, nsPerMsg)),
      server_main_thread_ns_per_msg: round(
        med(beckon.runs, (r) => (r.serverMainThreadCpuPercent / 100 / r.msgsPerSecond) * 1e9),
      ),
      socketio_server_ns_per_msg: round(med(sio.runs, nsPerMsg)),
      raw_ws_server_ns_per_msg: round(med(raw.runs, nsPerMsg)),
      client_cpu_percent: round(med(beckon.runs, (r) => r.clientCpuPercent)),
      socketio_client_cpu_percent: round(med(sio.runs, (r) => r.clientCpuPercent)),
      raw_ws_client_cpu_percent: round(med(raw.runs, (r) => r.clientCpuPercent)),
      half_load_client_cpu_percent: round(med(half, (r) => r.clientCpuPercent)),
      errors: all.reduce((n, r) => n + r.errors, 0),
      refused: all.reduce((n, r) => n + r.refused, 0),
    };
  } finally {
    for (const t of targets) await t.stop().catch(() => {});
  }
}
