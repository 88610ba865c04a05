// A Beckon node for benchmarks, in its own process: a fresh store, one account and site,
// BENCH_CAMPAIGNS active campaigns (a realistic mix, see bench-campaigns.ts), one agent of the
// Sales skill online and connected (so chat engagements can be offered), rate limits off
// (every socket comes from 127.0.0.1). BENCH_CHAT_PAIRS=N adds W3's agents (printed as
// `chat [JSON]`). BENCH_MESSAGING=1 seeds W8 (messaging-seed.ts; BENCH_APP_PAIRS app agents),
// printed as `messaging JSON`. BENCH_CHANNELS=1 seeds W9 (channels-seed.ts), printed as `channels JSON`.
// BENCH_APP_CAMPAIGN=1 adds the mobile workload's app campaign. BENCH_PHONE (JSON: the registrar's
// host, port, user, password) adds W15's trunk and a number per W3 agent, printed as `phone JSON`.
// BENCH_BROADCAST_CONTACTS=N seeds W12's audience (broadcast-seed.ts), printed as `broadcast JSON`. Scale-out: BENCH_DATABASE_URL with BENCH_PG_SCHEMA, BENCH_REDIS_URL, and
// BENCH_SEED=0 on every node but the first (and on a node started again: BENCH_DATA_DIR names its SQLite store's directory). BENCH_WEBHOOK_URL: a webhook endpoint taking every message.
// BENCH_ASSIST=1 turns agent assist on with a help centre to search (assist-seed.ts), its model at
// BENCH_ASSIST_MODEL_URL (none when empty). Prints `site KEY` (when seeding) then `listening PORT`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import pino from 'pino';
import { emailOf } from '../../../packages/server/src/channels/email/email-feature.ts';
import { loadConfig } from '../../../packages/server/src/config.ts';
import { createNode } from '../../../packages/server/src/node.ts';
import { NO_RATE_LIMITS } from '../../../packages/server/test/helpers/no-rate-limits.ts';
import { seedAssist } from './assist-seed.ts';
import { seedBenchAccount } from './bench-account.ts';
import { seedBroadcast } from './broadcast-seed.ts';
import { seedChannels } from './channels-seed.ts';
import { seedChatAgents } from './chat-seed.ts';
import { seedMessaging } from './messaging-seed.ts';
import { seedPhone } from './phone-seed.ts';

// Rate limits protect a node from people; the load generators are many clients on one address.
for (const [k, v] of Object.entries(NO_RATE_LIMITS)) process.env[k] ??= v;
// BENCH_DATA_DIR: a node started again on the store of one that was killed (W12's `--kill-at`).
const dataDir = process.env.BENCH_DATA_DIR || mkdtempSync(join(tmpdir(), 'beckon-bench-'));
const config = loadConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn' });
config.prettyLogs = false;
// Only what this process is told: a DATABASE_URL in the caller's shell must not redirect a bench.
config.databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
config.redisUrl = process.env.BENCH_REDIS_URL || undefined;
const node = await createNode(config, {
  logger: pino({ level: 'warn' }),
  pgSchema: process.env.BENCH_PG_SCHEMA || undefined,
});
if (process.env.BENCH_SEED !== '0') {
  const bench = await seedBenchAccount(
    node,
    Number(process.env.BENCH_CAMPAIGNS ?? 50),
    process.env.BENCH_APP_CAMPAIGN === '1',
  );
  const pairs = Number(process.env.BENCH_CHAT_PAIRS ?? 0);
  const agents = pairs > 0 ? await seedChatAgents(node.ctx.store, bench.accountId, pairs) : [];
  process.stdout.write(`site ${bench.siteKey}\n${pairs > 0 ? `chat ${JSON.stringify(agents)}\n` : ''}`);
  // The webhooks workload: every message of the account is delivered to the bench's receiver.
  if (process.env.BENCH_WEBHOOK_URL)
    await node.ctx.store.webhooks.create(bench.accountId, {
      url: process.env.BENCH_WEBHOOK_URL,
      events: ['message.created'],
    });
  if (process.env.BENCH_ASSIST === '1')
    await seedAssist(node.ctx.store, bench.accountId, process.env.BENCH_ASSIST_MODEL_URL ?? '', 40);
  if (process.env.BENCH_MESSAGING === '1') {
    const seed = await seedMessaging(
      node.ctx.store,
      bench,
      config.email.domain,
      emailOf(node.ctx).smtpPort,
      Number(process.env.BENCH_APP_PAIRS ?? 0),
    );
    process.stdout.write(`messaging ${JSON.stringify(seed)}\n`);
  }
  if (process.env.BENCH_PHONE) {
    const seed = await seedPhone(node, bench.accountId, agents, JSON.parse(process.env.BENCH_PHONE));
    process.stdout.write(`phone ${JSON.stringify(seed)}\n`);
  }
  if (process.env.BENCH_CHANNELS === '1') {
    const seed = await seedChannels(
      node.ctx.store,
      bench.accountId,
      Number(process.env.BENCH_CHANNEL_AGENTS ?? 20),
      Number(process.env.BENCH_CHANNEL_CAPACITY ?? 10),
    );
    process.stdout.write(`channels ${JSON.stringify(seed)}\n`);
  }
  if (process.env.BENCH_BROADCAST_CONTACTS) {
    const n = Number(process.env.BENCH_BROADCAST_CONTACTS);
    const seed = await seedBroadcast(node.ctx.store, bench.accountId, n);
    process.stdout.write(`broadcast ${JSON.stringify(seed)}\n`);
  }
}
const url = await node.listen();
process.stdout.write(`listening ${new URL(url).port}\n`);
if (process.env.BENCH_LOOP_DELAY) {
  // Profiling aid: the event loop's delay every few seconds (stderr), to tell stalls from load.
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  setInterval(() => {
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    process.stderr.write(
      `loop delay p50 ${ms(h.percentile(50))} p99 ${ms(h.percentile(99))} max ${ms(h.max)} ms\n`,
    );
    h.reset();
  }, Number(process.env.BENCH_LOOP_DELAY)).unref();
}
if (process.env.BENCH_STALLS) {
  // Profiling aid: a timeline (stderr) of the socket thread's stalls and GC pauses over N ms, to
  // tell which stall a latency tail comes from. A 1 ms timer that fires late measures a stall.
  const over = Number(process.env.BENCH_STALLS);
  const t0 = performance.now();
  const at = (t: number) => ((t - t0) / 1000).toFixed(3);
  const gcKinds: Record<number, string> = {
    1: 'scavenge',
    4: 'mark-compact',
    8: 'incremental marking',
    16: 'weak callbacks',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
      if (e.duration > over)
        process.stderr.write(
          `[${at(e.startTime)} s] gc ${gcKinds[kind] ?? kind} ${e.duration.toFixed(1)} ms\n`,
        );
    }
  }).observe({ entryTypes: ['gc'] });
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - 1;
    if (late > over) process.stderr.write(`[${at(now)} s] stall ${late.toFixed(1)} ms\n`);
    last = now;
  }, 1).unref();
}
process.on('SIGTERM', () => {
  node.close().then(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
