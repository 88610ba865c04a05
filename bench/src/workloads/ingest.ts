// W1 ingest: visitor sockets stream tag events as fast as a closed loop allows. The same generator
// drives the raw-ws relay (baseline) and a Beckon node with 50 active campaigns and persistence;
// then the node is paced at half of its own maximum to measure latency there.
// Knobs: --sockets, --batch, --campaigns, --warmup (seconds before each window; 3).
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ChildServer, machineBusySeconds, startChildServer } from '../child-server.ts';
import { type CpuProbes, type LoadWindow, SocketLoad } from '../load/socket-load.ts';
import { ackIdOf, ShopperScript } from '../load/visitor-frames.ts';
import { BENCH_ORIGIN } from '../servers/bench-site.ts';
import { round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';

const RAW = fileURLToPath(new URL('../baselines/raw-ws-relay.ts', import.meta.url));
const BECKON = fileURLToPath(new URL('../servers/beckon-server.ts', import.meta.url));

export interface Target {
  url: string;
  /** The node's Prometheus text (Beckon only). */
  metrics?: () => Promise<string>;
  /** The server's CPU (all threads) and its main thread's. */
  cpu: CpuProbes;
  stop: () => Promise<void>;
}

const probes = (s: ChildServer): CpuProbes => ({ server: s.cpuSeconds, main: s.mainThreadCpuSeconds });

async function rawTarget(): Promise<Target> {
  const s = await startChildServer(RAW);
  return { url: `ws://127.0.0.1:${s.port}/`, cpu: probes(s), stop: s.stop };
}

/** Starts a Beckon node (child process) with `campaigns` active campaigns. */
export async function beckonTarget(
  campaigns = 50,
  env: Record<string, string> = {},
  openFiles?: number,
): Promise<Target & { siteKey: string; port: number; pid: number }> {
  const s = await startChildServer(BECKON, { BENCH_CAMPAIGNS: String(campaigns), ...env }, [], { openFiles });
  const siteKey = /site (\S+)/.exec(s.output)![1]!;
  return {
    url: `ws://127.0.0.1:${s.port}/v1/visitor?siteKey=${siteKey}`,
    siteKey,
    port: s.port,
    pid: s.child.pid!,
    cpu: probes(s),
    metrics: () => fetch(`http://127.0.0.1:${s.port}/metrics`).then((r) => r.text()),
    stop: s.stop,
  };
}

export interface DriveOptions {
  sockets: number;
  batch: number;
  seconds: number;
  /** Seconds of load before the window opens (connections, JIT, first flushes). */
  warmupSeconds?: number;
  /** Batches per second over all sockets; undefined = closed loop. */
  rate?: number;
  /** Visitor id prefix (a fresh one per run gives fresh visitors). */
  prefix: string;
}

/**
 * One sample of a Prometheus text (first line of that name, or of that name with exactly `labels`,
 * e.g. `kind="move"`), or NaN.
 */
export function sample(text: string, name: string, labels?: string): number {
  const series = labels === undefined ? '(?:\\{[^}]*\\})?' : `\\{${labels}\\}`;
  const m = new RegExp(`^${name}${series} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

export type DriveResult = LoadWindow & {
  /** Rows the node's writer committed per second in the window, and its backlog at the end. */
  persistedRowsPerSecond: number;
  writerBacklogRows: number;
  eventsPerSecond: number;
  engagesPerSecond: number;
  /** Server CPU, all threads and main thread, in % of one core. */
  serverCpuPercent: number;
  mainThreadCpuPercent: number;
  /** Server CPU time per event (all threads), µs. */
  serverUsPerEvent: number;
  /** The load generator's CPU time per event, µs. */
  clientUsPerEvent: number;
  /** The whole machine's busy CPU (all processes, all cores), in % of one core. */
  machineCpuPercent: number;
};

/** Runs the shopper load against one target and measures one window (server CPU inside it). */
export async function drive(target: Target, o: DriveOptions): Promise<DriveResult> {
  const script = new ShopperScript(BENCH_ORIGIN, o.batch, o.prefix);
  const load = await SocketLoad.start({
    url: target.url,
    origin: BENCH_ORIGIN,
    sockets: o.sockets,
    rate: o.rate,
    hello: script.hello,
    frame: script.frame,
    ackId: ackIdOf,
    onOther: script.onOther,
  });
  try {
    await new Promise((r) => setTimeout(r, (o.warmupSeconds ?? 3) * 1000));
    const engages0 = script.engages;
    const rows0 = target.metrics
      ? sample(await target.metrics(), 'beckon_events_writer_rows_total')
      : Number.NaN;
    const w = await load.measure(o.seconds, { ...target.cpu, machine: machineBusySeconds });
    const after = target.metrics ? await target.metrics() : '';
    const eventsPerSecond = w.framesPerSecond * o.batch;
    const serverCpuPercent = w.cpuPercent.server ?? Number.NaN;
    return {
      ...w,
      eventsPerSecond,
      engagesPerSecond: (script.engages - engages0) / o.seconds,
      serverCpuPercent,
      mainThreadCpuPercent: w.cpuPercent.main ?? Number.NaN,
      serverUsPerEvent: (serverCpuPercent * 1e4) / eventsPerSecond,
      clientUsPerEvent: (w.clientCpuPercent * 1e4) / eventsPerSecond,
      machineCpuPercent: w.cpuPercent.machine ?? Number.NaN,
      persistedRowsPerSecond: (sample(after, 'beckon_events_writer_rows_total') - rows0) / o.seconds,
      writerBacklogRows: sample(after, 'beckon_events_writer_pending_rows'),
    };
  } finally {
    await load.stop();
  }
}

const NOT_MEASURED = {
  eventsPerSecond: Number.NaN,
  p50Ms: Number.NaN,
  p99Ms: Number.NaN,
  serverCpuPercent: Number.NaN,
  errors: 0,
};

/**
 * Waits until the node's events writer has at most `rows` rows waiting (polled every 100 ms, for
 * up to a minute); returns the seconds it took.
 */
export async function drained(target: Target, rows: number): Promise<number> {
  const t0 = performance.now();
  while (target.metrics && performance.now() - t0 < 60_000) {
    if (sample(await target.metrics(), 'beckon_events_writer_pending_rows') <= rows) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return (performance.now() - t0) / 1000;
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const seconds = opts.duration ?? 20;
  const sockets = Number(opts.flags.sockets ?? 100);
  const batch = Number(opts.flags.batch ?? 10);
  const campaigns = Number(opts.flags.campaigns ?? 50);
  const warmupSeconds = Number(opts.flags.warmup ?? 3);
  const t = Date.now();

  opts.log(`raw-ws relay: ${sockets} sockets × ${batch}-event batches, closed loop, ${seconds} s`);
  const raw = await rawTarget();
  const base = await drive(raw, { sockets, batch, seconds, warmupSeconds, prefix: `raw${t}` }).finally(() =>
    raw.stop(),
  );
  opts.log(
    `  ${Math.round(base.eventsPerSecond)} events/s, p99 ${base.p99Ms.toFixed(1)} ms; CPU server ${base.serverCpuPercent.toFixed(0)} %, client ${base.clientCpuPercent.toFixed(0)} %`,
  );

  opts.log(`beckon (${campaigns} campaigns, SQLite persistence): same load`);
  const beckon = await beckonTarget(campaigns);
  let result: BenchResult;
  try {
    const max = await drive(beckon, { sockets, batch, seconds, warmupSeconds, prefix: `max${t}` });
    opts.log(
      `  ${Math.round(max.eventsPerSecond)} events/s, p99 ${max.p99Ms.toFixed(1)} ms; CPU server ${max.serverCpuPercent.toFixed(0)} % (main thread ${max.mainThreadCpuPercent.toFixed(0)} %), client ${max.clientCpuPercent.toFixed(0)} %; ${Math.round(max.engagesPerSecond)} engagements/s; ${Math.round(max.persistedRowsPerSecond)} rows/s committed, backlog ${max.writerBacklogRows}`,
    );
    // The most the machine's cores allow at the CPU per event measured here: the node's, plus the
    // generator's at its cheapest (a busy generator pays fewer wake-ups per event), with every core
    // busy and nothing else running. Above it lies only a node that spends less CPU per event;
    // spreading the same work over more threads cannot get there.
    const cores = availableParallelism();
    const clientUs = Math.min(max.clientUsPerEvent, base.clientUsPerEvent);
    const ceiling = (cores * 1e6) / (max.serverUsPerEvent + clientUs) / base.eventsPerSecond;
    opts.log(
      `  machine ${max.machineCpuPercent.toFixed(0)} % busy of ${cores * 100} % (relay run ${base.machineCpuPercent.toFixed(0)} %); ratio ceiling at full machine ${ceiling.toFixed(2)}`,
    );
    // Latency at half of the measured maximum: a fixed schedule of max/2 batches per second, once
    // the writer has written what the closed loop left behind. Above the ack gate's high mark acks
    // wait until the backlog halves: a window opened on a full backlog measures its draining, and on
    // a loaded machine's disk that once outlasted the whole window (no ack, p99 NaN, three times).
    const drainedIn = await drained(beckon, sockets * batch);
    const rate = max.framesPerSecond / 2;
    // A maximum of 0 (every ack held for the whole window) has no half: a rate of 0 would run the
    // generator as a closed loop, so nothing is measured and the figures say so (NaN).
    const half =
      rate > 0
        ? await drive(beckon, {
            sockets,
            batch,
            seconds: Math.min(seconds, 10),
            rate,
            warmupSeconds,
            prefix: `half${t}`,
          })
        : NOT_MEASURED;
    opts.log(
      `  paced at ${Math.round(rate * batch)} events/s: achieved ${Math.round(half.eventsPerSecond)}, p50 ${half.p50Ms.toFixed(1)} ms, p99 ${half.p99Ms.toFixed(1)} ms; CPU server ${half.serverCpuPercent.toFixed(0)} %`,
    );
    result = {
      workload: 'ingest',
      sockets,
      batch_events: batch,
      campaigns,
      seconds,
      events_per_s: round(max.eventsPerSecond),
      raw_ws_events_per_s: round(base.eventsPerSecond),
      ratio_vs_raw_ws: round(max.eventsPerSecond / base.eventsPerSecond),
      target_ratio: 0.6,
      p99_ms_at_max: round(max.p99Ms),
      raw_ws_p99_ms: round(base.p99Ms),
      half_load_offered_events_per_s: round(rate * batch),
      half_load_drain_s: round(drainedIn),
      half_load_events_per_s: round(half.eventsPerSecond),
      half_load_share_of_max: round(half.eventsPerSecond / max.eventsPerSecond),
      p50_ms: round(half.p50Ms),
      p99_ms: round(half.p99Ms),
      target_p99_ms: 50,
      engagements_per_s: round(max.engagesPerSecond),
      persisted_rows_per_s: round(max.persistedRowsPerSecond),
      writer_backlog_rows_at_end: max.writerBacklogRows,
      server_cpu_percent: round(max.serverCpuPercent),
      server_main_thread_cpu_percent: round(max.mainThreadCpuPercent),
      client_cpu_percent: round(max.clientCpuPercent),
      raw_ws_server_cpu_percent: round(base.serverCpuPercent),
      raw_ws_client_cpu_percent: round(base.clientCpuPercent),
      half_load_server_cpu_percent: round(half.serverCpuPercent),
      server_cpu_us_per_event: round(max.serverUsPerEvent),
      raw_ws_server_cpu_us_per_event: round(base.serverUsPerEvent),
      machine_cores: cores,
      machine_cpu_percent: round(max.machineCpuPercent),
      raw_ws_machine_cpu_percent: round(base.machineCpuPercent),
      ratio_ceiling_at_full_machine: round(ceiling),
      errors: max.errors + half.errors + base.errors,
    };
  } finally {
    await beckon.stop();
  }
  // The relay again, paced at Beckon's maximum: its CPU per event at the same load. A closed loop
  // keeps both of the relay's sides busy; at a lower rate each side sleeps between frames and pays
  // for being woken (bench/notes.md), as Beckon's generator does at Beckon's maximum.
  const rate = (result.events_per_s as number) / batch;
  const { errors, ...figures } = result;
  // A maximum of 0 gives no rate to pace at (rate 0 would run the relay as a closed loop again).
  if (!(rate > 0)) {
    opts.log("raw-ws relay paced run skipped: Beckon's maximum was 0");
    return {
      ...figures,
      raw_ws_paced_events_per_s: Number.NaN,
      raw_ws_paced_server_cpu_us_per_event: Number.NaN,
      errors,
    };
  }
  opts.log(`raw-ws relay paced at Beckon's maximum (${Math.round(rate * batch)} events/s)`);
  const again = await rawTarget();
  const paced = await drive(again, {
    sockets,
    batch,
    seconds: Math.min(seconds, 10),
    rate,
    warmupSeconds,
    prefix: `rawpaced${t}`,
  }).finally(() => again.stop());
  opts.log(
    `  achieved ${Math.round(paced.eventsPerSecond)} events/s; server CPU ${paced.serverUsPerEvent.toFixed(2)} µs per event`,
  );
  return {
    ...figures,
    raw_ws_paced_events_per_s: round(paced.eventsPerSecond),
    raw_ws_paced_server_cpu_us_per_event: round(paced.serverUsPerEvent),
    errors: (errors as number) + paced.errors,
  };
}
