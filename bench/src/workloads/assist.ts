// Assist: what agent assist adds to a chat, in two parts (docs/benchmarks.md).
// 1. Suggestions without a model. W3's chat pairs on a node with assist on and a help centre to
//    search. A closed loop finds the node's chat maximum; a paced loop at half of it times each
//    customer line to its `suggestions` frame on the agent's socket (`suggestions_p99_ms`).
// 2. The model's first token. A node whose assist model is a local OpenAI-compatible stand-in that
//    streams at a fixed rate. One customer line at a time; each line's time to the first streamed
//    token on the agent's socket, minus the stand-in's own time to first token for that request, is
//    what Beckon adds (`first_token_overhead_ms`, the median; the p99 beside it).
// Knobs: --pairs, --clients, --rounds, --warmup (as W3); --samples, --first-token-ms, --token-ms.
import { performance } from 'node:perf_hooks';
import { ChatClients } from '../load/chat-clients.ts';
import { LINE_TEXT } from '../load/chat-pairs.ts';
import { beckonTransport } from '../load/chat-transport-beckon.ts';
import { startBeckonNodes } from '../servers/beckon-nodes.ts';
import { BENCH_ORIGIN } from '../servers/bench-site.ts';
import { startModelStandIn } from '../servers/model-stand-in.ts';
import { median, percentile, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { chatKnobs, pacedAt } from './chat.ts';

const ASSIST_ENV = { BENCH_ASSIST: '1' };

/** Part 1: the chat maximum with assist on, then suggestions' latency at half of it. */
async function suggestionsAtHalfLoad(opts: BenchOptions) {
  const k = chatKnobs(opts, 8);
  const rounds = Math.max(1, Number(opts.flags.rounds ?? 1));
  const nodes = await startBeckonNodes({ campaigns: 0, chatPairs: k.pairs, env: ASSIST_ENV });
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
    opts.log(
      `suggestions: ${k.pairs} pairs; ${rounds} round(s) of ${k.seconds} s (+${k.warmupSeconds} s warm-up)`,
    );
    const window = async (pacing: Parameters<ChatClients['run']>[0]['pacing']) => {
      const r = await clients!.run(
        { warmupSeconds: k.warmupSeconds, seconds: k.seconds, pacing, suggestions: true },
        nodes.pids,
      );
      const s = r.suggestionsMs;
      opts.log(
        `  ${pacing.kind}: ${Math.round(r.msgsPerSecond)} msgs/s, line → agent p99 ${r.p99Ms.toFixed(1)} ms, ` +
          `line → suggestions p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms ` +
          `(${s.length}); server CPU ${r.serverCpuPercent.toFixed(0)} %; errors ${r.errors}, ` +
          `suggestions missing ${r.detail.suggestionsMissing}`,
      );
      return r;
    };
    const closed = [];
    for (let i = 0; i < rounds; i++) closed.push(await window({ kind: 'closed' }));
    const max = median(closed.map((r) => r.msgsPerSecond));
    const half = [];
    for (let i = 0; i < rounds; i++) half.push(await window(pacedAt(max / 2, k.pairs)));
    const all = [...closed, ...half];
    return {
      pairs: k.pairs,
      seconds: k.seconds,
      rounds,
      max_msgs_per_s: round(max),
      half_load_msgs_per_s: round(median(half.map((r) => r.msgsPerSecond))),
      chat_p99_ms: round(median(half.map((r) => r.p99Ms))),
      suggestions_p50_ms: round(median(half.map((r) => percentile(r.suggestionsMs, 50)))),
      suggestions_p99_ms: round(median(half.map((r) => percentile(r.suggestionsMs, 99)))),
      target_suggestions_p99_ms: 50,
      suggestions_p99_ms_at_max: round(median(closed.map((r) => percentile(r.suggestionsMs, 99)))),
      server_cpu_percent_at_half: round(median(half.map((r) => r.serverCpuPercent))),
      suggestions_missing: all.reduce((n, r) => n + r.detail.suggestionsMissing, 0),
      errors: all.reduce((n, r) => n + r.errors, 0),
    };
  } finally {
    await clients?.close().catch(() => {});
    await nodes.stop();
  }
}

/** Part 2: what Beckon adds to the model's own time to first token, one line at a time. */
async function firstTokenOverhead(opts: BenchOptions) {
  const samples = Math.max(5, Number(opts.flags.samples ?? 40));
  const pace = {
    firstTokenMs: Number(opts.flags['first-token-ms'] ?? 150),
    tokenMs: Number(opts.flags['token-ms'] ?? 20),
    tokens: 12,
  };
  const model = await startModelStandIn(pace);
  const nodes = await startBeckonNodes({
    campaigns: 0,
    chatPairs: 1,
    env: { ...ASSIST_ENV, BENCH_ASSIST_MODEL_URL: model.baseUrl, BECKON_EGRESS_ALLOW_PRIVATE: '1' },
  });
  const transport = beckonTransport({
    urls: nodes.urls,
    siteKey: nodes.siteKey,
    origin: BENCH_ORIGIN,
    agents: nodes.agents,
  });
  const waiting = new Map<string, (at: number) => void>();
  const delivered = new Map<string, number>();
  const failures: string[] = [];
  try {
    const pair = await transport.connect(0, {
      toAgent: (id) => delivered.set(id, performance.now()),
      toVisitor: () => {},
      acked: () => {},
      refused: (id, why) => failures.push(`${id} refused: ${why}`),
      failed: (why) => failures.push(why),
      suggested: (id, kind, at) => {
        if (kind === 'model') waiting.get(id)?.(at);
      },
    });
    opts.log(
      `first token: ${samples} lines (+3 warm-up); the stand-in's first token after ${pace.firstTokenMs} ms, ` +
        `then one every ${pace.tokenMs} ms`,
    );
    const overheads: number[] = [];
    const totals: number[] = [];
    /** The overhead counted from the line reaching the agent: assist's own part, without the line's commit. */
    const afterDelivery: number[] = [];
    for (let n = 1; n <= samples + 3; n++) {
      const id = `v0.${n}`;
      const firstToken = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no first token for line ${n} in 10 s`)), 10_000);
        waiting.set(id, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
      const before = model.firstTokenMs.length;
      const sentAt = performance.now();
      pair.visitorSend(id, `${id} ${LINE_TEXT}`);
      const at = await firstToken;
      waiting.delete(id);
      const own = model.firstTokenMs[before];
      if (own === undefined) throw new Error(`line ${n}: the stand-in saw no suggestion request`);
      if (n > 3) {
        totals.push(at - sentAt);
        overheads.push(at - sentAt - own);
        const onSocket = delivered.get(id);
        if (onSocket !== undefined) afterDelivery.push(at - onSocket - own);
      }
      // Let the stream end before the next line, so each line's request has the node to itself.
      await new Promise((r) => setTimeout(r, pace.tokens * pace.tokenMs + 50));
    }
    opts.log(
      `  line → first token p50 ${percentile(totals, 50).toFixed(1)} ms; overhead p50 ${percentile(overheads, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(overheads, 99).toFixed(1)} ms; from the line on the agent's socket p50 ` +
        `${percentile(afterDelivery, 50).toFixed(1)} ms`,
    );
    return {
      model_first_token_ms: pace.firstTokenMs,
      model_token_ms: pace.tokenMs,
      first_token_samples: overheads.length,
      first_token_p50_ms: round(percentile(totals, 50)),
      first_token_overhead_ms: round(percentile(overheads, 50)),
      first_token_overhead_p99_ms: round(percentile(overheads, 99)),
      target_first_token_overhead_ms: 20,
      first_token_overhead_after_delivery_ms: round(percentile(afterDelivery, 50)),
      first_token_failures: failures.length,
    };
  } finally {
    await transport.close();
    await nodes.stop();
    await model.close();
  }
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const search = await suggestionsAtHalfLoad(opts);
  const model = await firstTokenOverhead(opts);
  return { workload: 'assist', ...search, ...model };
}
