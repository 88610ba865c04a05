// W1 without the sockets: the visitor protocol's work on the thread that serves sockets — parse,
// validate, apply to the visitor's state, re-test 50 campaigns, score, hand rows to the events
// writer, deliver engagements — measured in process on fake sockets, so it is free of the
// kernel's and the load generator's share and of most of the machine's noise. The baseline, in
// the same run and over the same frames, is what any server must do with a frame: JSON.parse and
// the protocol's schema check. A diagnostic for work on W1's socket thread (bench/notes.md); the
// figure that counts stays W1's. Knobs: --visitors N, --batch N, --campaigns N, --rounds N.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isClientFrame } from '@beckon/protocol';
import pino from 'pino';
import { loadConfig } from '../../../packages/server/src/config.ts';
import { engagementOf } from '../../../packages/server/src/engagement/engagement-runtime.ts';
import type { VisitorConnection } from '../../../packages/server/src/engagement/visitor-connection.ts';
import { createNode } from '../../../packages/server/src/node.ts';
import { ShopperScript } from '../load/visitor-frames.ts';
import { seedBenchAccount } from '../servers/bench-account.ts';
import { BENCH_ORIGIN } from '../servers/bench-site.ts';
import { median, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';

/** Frames handed over between two turns of the event loop (timers, the writer's posts run between). */
const BURST = 50;

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const visitors = Number(opts.flags.visitors ?? 100);
  const batch = Number(opts.flags.batch ?? 10);
  const campaigns = Number(opts.flags.campaigns ?? 50);
  const rounds = Number(opts.flags.rounds ?? 5);
  const seconds = opts.duration ?? 10;
  // The visitors are all one address: no per-address or per-visitor frame limits (as W1's node).
  for (const k of ['BECKON_RATE_VISITOR', 'BECKON_RATE_ADDRESS', 'BECKON_RATE_ADDRESS_CONNECT'])
    process.env[k] ??= '0';
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-bench-tracker-'));
  const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, {});
  const node = await createNode(config, { logger: pino({ level: 'silent' }) });
  try {
    const bench = await seedBenchAccount(node, campaigns);
    const rt = engagementOf(node.ctx);
    await rt.targeting.ensure(bench.accountId);
    const site = (await rt.sites.byKey(bench.siteKey))!;
    const script = new ShopperScript(BENCH_ORIGIN, batch, `tracker${Date.now()}`);
    let engages = 0;
    const conns: VisitorConnection[] = [];
    for (let i = 0; i < visitors; i++) {
      const socket = {
        readyState: 1,
        send: (text: string) => {
          if (!text.startsWith('{"type":"engage"')) return;
          engages++;
          script.onOther(i, text);
        },
        close: () => {},
      };
      const conn = rt.accept(socket, site, '127.0.0.1');
      conn.message(Buffer.from(script.hello(i)));
      conns.push(conn);
    }
    await new Promise((r) => setTimeout(r, 200)); // visitors loaded and welcomed
    const seq = new Array<number>(visitors).fill(0);
    let next = 0;
    /** The next burst of frames, built before the clock starts. */
    const burst = (): { i: number; data: Buffer }[] =>
      Array.from({ length: BURST }, () => {
        const i = next++ % visitors;
        return { i, data: Buffer.from(script.frame(i, `t${seq[i]}-${seq[i]!++}`)) };
      });
    /** Runs `work` over bursts for `ms` of thread time; ns per frame. */
    const time = async (ms: number, work: (b: { i: number; data: Buffer }[]) => void) => {
      let busy = 0;
      let frames = 0;
      while (busy < ms) {
        const b = burst();
        const t = performance.now();
        work(b);
        busy += performance.now() - t;
        frames += b.length;
        await new Promise((r) => setImmediate(r));
      }
      return (busy * 1e6) / frames;
    };
    const full = (b: { i: number; data: Buffer }[]) => {
      for (const f of b) conns[f.i]!.message(f.data);
    };
    let sink = 0;
    const parseOnly = (b: { i: number; data: Buffer }[]) => {
      for (const f of b) if (isClientFrame(JSON.parse(f.data.toString('utf8')))) sink++;
    };
    await time(Math.min(2000, seconds * 200), full); // warm-up: JIT, the writer thread, every visitor's state
    const perRound = (seconds * 1000) / rounds / 2;
    const fullNs: number[] = [];
    const parseNs: number[] = [];
    const engages0 = engages;
    const eventsTotal = node.ctx.metrics.registry.getSingleMetric('beckon_visitor_events_total')!;
    const applied = async () => (await eventsTotal.get()).values[0]?.value ?? 0;
    const applied0 = await applied();
    let fullFrames = 0;
    for (let r = 0; r < rounds; r++) {
      parseNs.push(await time(perRound / 4, parseOnly));
      const before = next;
      fullNs.push(await time(perRound, full));
      fullFrames += next - before;
    }
    if (sink === 0) throw new Error('no frame passed the schema check');
    const appliedEvents = (await applied()) - applied0;
    await node.ctx.store.eventsWriter.flush();
    const nsFrame = median(fullNs);
    const nsParse = median(parseNs);
    opts.log(
      `  ${visitors} visitors, ${batch}-event frames, ${campaigns} campaigns: ${Math.round(nsFrame)} ns per frame ` +
        `(rounds ${fullNs.map((n) => Math.round(n)).join(', ')}); parse + schema check ${Math.round(nsParse)} ns`,
    );
    return {
      workload: 'tracker',
      visitors,
      batch_events: batch,
      campaigns,
      rounds,
      frames: fullFrames,
      ns_per_frame: round(nsFrame),
      ns_per_event: round(nsFrame / batch),
      parse_validate_ns_per_frame: round(nsParse),
      tracker_ns_per_frame: round(nsFrame - nsParse),
      engagements_per_frame: round((engages - engages0) / fullFrames),
      applied_events: appliedEvents,
    };
  } finally {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
