// W2 targeting: a visitor's event makes a campaign's rule true; how long until the engagement
// reaches the visitor? First the node's W1 maximum is measured (same load, same run), then
// background shoppers are paced at half of it while new visitors send the trigger event, one
// after another; every trial runs under the background load, whose achieved rate is reported.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { SocketLoad } from '../load/socket-load.ts';
import { ackIdOf, helloFrame, ShopperScript } from '../load/visitor-frames.ts';
import { BENCH_ORIGIN, TRIGGER_EVENT } from '../servers/bench-site.ts';
import { percentile, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { beckonTarget, drained, drive } from './ingest.ts';

/** One trial: a new visitor says hello, then sends the trigger event; resolves with ms to the engage frame. */
function trial(url: string, visitorId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { origin: BENCH_ORIGIN }, perMessageDeflate: false });
    let sentAt = 0;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no engagement within 5 s'));
    }, 5000);
    ws.on('open', () => ws.send(helloFrame(visitorId, BENCH_ORIGIN)));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('{"type":"welcome"')) {
        sentAt = performance.now();
        ws.send(
          JSON.stringify({
            type: 'batch',
            id: 't1',
            events: [{ type: 'event', name: TRIGGER_EVENT, ts: Date.now() }],
          }),
        );
      } else if (sentAt > 0 && text.includes('"type":"engage"')) {
        const ms = performance.now() - sentAt;
        clearTimeout(timer);
        ws.close(1000);
        resolve(ms);
      }
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** What `trialsAtHalfLoad` measured: the node's maximum and the background load the trials ran under. */
export interface HalfLoadRun<T> {
  results: T[];
  failures: number;
  maxEventsPerSecond: number;
  offeredEventsPerSecond: number;
  backgroundEventsPerSecond: number;
  backgroundShareOfMax: number;
  backgroundP99Ms: number;
  serverCpuPercent: number;
  clientCpuPercent: number;
}

/**
 * Measures the node's W1 maximum (same load, same window), paces background shoppers at half of
 * it, and runs `trial` one after another under that load (W2 and the mobile workload).
 */
export async function trialsAtHalfLoad<T>(
  target: Awaited<ReturnType<typeof beckonTarget>>,
  opts: BenchOptions,
  trial: (i: number, stamp: number) => Promise<T>,
): Promise<HalfLoadRun<T>> {
  const trials = Number(opts.flags.trials ?? 300);
  const sockets = Number(opts.flags.sockets ?? 100);
  const maxSeconds = Number(opts.flags['max-seconds'] ?? opts.duration ?? 20);
  const gapMs = Number(opts.flags['gap-ms'] ?? 20);
  const batch = 10;
  const t = Date.now();
  opts.log(`the node’s W1 maximum (${sockets} sockets, closed loop, ${maxSeconds} s)`);
  const max = await drive(target, { sockets, batch, seconds: maxSeconds, prefix: `max${t}` });
  // As W1: the background starts once the writer has written what the closed loop left behind.
  await drained(target, sockets * batch);
  const rate = max.framesPerSecond / 2;
  opts.log(
    `  max ${Math.round(max.eventsPerSecond)} events/s; background paced at ${Math.round(rate * batch)}`,
  );
  const script = new ShopperScript(BENCH_ORIGIN, batch, `bg${t}`);
  const background = await SocketLoad.start({
    url: target.url,
    origin: BENCH_ORIGIN,
    sockets,
    rate,
    hello: script.hello,
    frame: script.frame,
    ackId: ackIdOf,
    onOther: script.onOther,
  });
  const results: T[] = [];
  let failures = 0;
  let bg: Awaited<ReturnType<Awaited<ReturnType<SocketLoad['window']>>>>;
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const end = await background.window(target.cpu);
    for (let i = 0; i < trials; i++) {
      try {
        results.push(await trial(i, t));
      } catch {
        failures++;
      }
      await new Promise((r) => setTimeout(r, gapMs));
    }
    bg = await end();
  } finally {
    await background.stop();
  }
  return {
    results,
    failures,
    maxEventsPerSecond: max.eventsPerSecond,
    offeredEventsPerSecond: rate * batch,
    backgroundEventsPerSecond: bg.framesPerSecond * batch,
    backgroundShareOfMax: bg.framesPerSecond / max.framesPerSecond,
    backgroundP99Ms: bg.p99Ms,
    serverCpuPercent: bg.cpuPercent.server ?? Number.NaN,
    clientCpuPercent: bg.clientCpuPercent,
  };
}

/** The figures every half-load workload reports about its load (flat keys, as PERFORMANCE.md asks). */
export function halfLoadFigures(r: HalfLoadRun<unknown>, opts: BenchOptions): BenchResult {
  return {
    workload: '',
    trials: Number(opts.flags.trials ?? 300),
    failures: r.failures,
    max_events_per_s: round(r.maxEventsPerSecond),
    background_offered_events_per_s: round(r.offeredEventsPerSecond),
    background_events_per_s: round(r.backgroundEventsPerSecond),
    background_share_of_max: round(r.backgroundShareOfMax),
    background_p99_ms: round(r.backgroundP99Ms),
    server_cpu_percent: round(r.serverCpuPercent),
    client_cpu_percent: round(r.clientCpuPercent),
  };
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const target = await beckonTarget(50);
  try {
    const r = await trialsAtHalfLoad(target, opts, (i, t) => trial(target.url, `w2-${t}-${i}`));
    const latencies = r.results;
    const p99 = percentile(latencies, 99);
    opts.log(
      `  ${latencies.length} engagements under ${Math.round(r.backgroundEventsPerSecond)} events/s (${(r.backgroundShareOfMax * 100).toFixed(0)} % of max): p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
    );
    return {
      ...halfLoadFigures(r, opts),
      workload: 'targeting',
      campaigns: 50,
      p50_ms: round(percentile(latencies, 50)),
      p99_ms: round(p99),
      max_ms: round(Math.max(...latencies)),
      target_p99_ms: 10,
    };
  } finally {
    await target.stop();
  }
}
