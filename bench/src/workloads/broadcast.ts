// W12 broadcast: one message to a segment of N contacts (default 100,000) over WhatsApp, else SMS,
// else e-mail, with a 10 % holdout, on a node that carries a chat load at half of its maximum
// meanwhile. The node (SQLite, or `--store postgres` with Redis) seeds the contacts itself
// (broadcast-seed.ts); the bench connects local stand-ins of the Cloud API, Twilio and an SMTP
// relay (provider-sinks.ts) through the node's API, makes the segment and sends. The sinks count
// every message against the contact its address names: each recipient outside the holdout must
// get exactly one. The node's RSS is sampled through the send; the chat's p99 is merged over the
// paced windows that run while it lasts. Last, the segment count over 1 M contacts
// (segment-count.ts, its own store). Knobs: --recipients, --store, --pairs, --warmup,
// --segment-contacts (0 skips), --max-seconds, --alone-seconds N (the chat alone that much longer
// first, its tail over a stretch as long as a send), --half-rate N (the chat paced at N msgs/s
// instead of half its measured maximum, so that runs compared side by side carry the same chat),
// --kill-at N (once the sinks counted N messages the node is killed with SIGKILL and started again
// on its store; no chat runs beside such a send).
import { fileURLToPath } from 'node:url';
import {
  type ChildServer,
  machineBusySeconds,
  procCpuSeconds,
  procRssBytes,
  startChildServer,
  threadCoreWaitSeconds,
} from '../child-server.ts';
import { ChatClients, type ChatRun } from '../load/chat-clients.ts';
import { SINK_TEMPLATE, SINK_TWILIO, SINK_WHATSAPP, type SinkCounts } from '../load/provider-accounts.ts';
import { measureSegmentCounts } from '../segment-count.ts';
import { type BeckonNodes, startBeckonNodes } from '../servers/beckon-nodes.ts';
import { BENCH_ORIGIN } from '../servers/bench-site.ts';
import type { BroadcastSeed } from '../servers/broadcast-seed.ts';
import { percentile, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { chatKnobs, measure, pacedAt } from './chat.ts';
import { sample } from './ingest.ts';

const SINKS = fileURLToPath(new URL('../load/provider-sinks.ts', import.meta.url));
const HOLDOUT_PERCENT = 10;
const CHANNELS = ['whatsapp', 'sms', 'email'] as const;
const MB = 1024 * 1024;
/** The chat's half-load p99 beside a send, at most (ms). */
const TARGET_P99_MS = 50;

/** Percent of the lines over the target that came in the first window; null without any. */
function overTargetFirstShare(windows: readonly ChatRun[]): number | null {
  const over = (w: ChatRun) => w.visitorToAgentMs.filter((ms) => ms > TARGET_P99_MS).length;
  const all = windows.reduce((a, w) => a + over(w), 0);
  return windows.length === 0 || all === 0 ? null : round((over(windows[0]!) / all) * 100);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Funnel {
  targeted: number;
  heldOut: number;
  skipped: number;
  queued: number;
  sent: number;
  failed: number;
  /** Messages whose node died during the request: never sent again (0 on a server before them). */
  inDoubt?: number;
  skippedBy: Record<string, number>;
}

interface View {
  id: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  funnel: Funnel;
}

/** The `--kill-at` crash: what the sinks had counted, the recipients queued, the restart's time. */
interface Killed {
  sinkMessages: number;
  queued: number;
  restartSeconds: number;
  peakRssBefore: number;
}

/** The node's API with the seed's admin key: JSON in, JSON out, a non-2xx an error with its body. */
function apiOf(url: string, key: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
}

/**
 * Sets the account's per-channel throughput (`PUT /api/v1/account/sending`) to the bench's limits
 * and returns what the node then holds, as `rate_limit_<channel>_<unit>` for the result. The
 * defaults are a WhatsApp number Meta upgraded (1,000/s), a short code (100/s) and a relay taking
 * 6,000 mails a minute: a long code's 1 SMS a second would make the send hours long, not the node.
 */
async function setRateLimits(
  api: ReturnType<typeof apiOf>,
  flags: Record<string, string | undefined>,
): Promise<Record<string, number>> {
  const throughput = {
    whatsappPerSecond: Number(flags['whatsapp-per-s'] ?? 1000),
    smsPerSecond: Number(flags['sms-per-s'] ?? 100),
    emailPerMinute: Number(flags['email-per-min'] ?? 6000),
  };
  const held = await api<{ throughput: typeof throughput }>('PUT', '/api/v1/account/sending', { throughput });
  return {
    rate_limit_whatsapp_per_s: held.throughput.whatsappPerSecond,
    rate_limit_sms_per_s: held.throughput.smsPerSecond,
    rate_limit_email_per_min: held.throughput.emailPerMinute,
  };
}

/** The checkpointer's holds counted by kind (`beckon_sqlite_statements_held_seconds`). */
const HOLD_KINDS = ['reset', 'move'] as const;

/**
 * What the node's metrics say so far: how long a SQLite node's checkpointer held the store's
 * statements, by kind, in ms (NaN on PostgreSQL, or when /metrics does not answer); and its full
 * collections (prom-client's `nodejs_gc_duration_seconds`, kind major) with the socket thread's
 * pauses in them (ms). V8 paused it 8–30 ms in each; on two busy cores each became a 30–110 ms
 * stall of every chat line then in flight (bench/notes.md, W12).
 */
async function nodeMetrics(
  url: string,
): Promise<{ held: Record<(typeof HOLD_KINDS)[number], number>; majors: number; majorMs: number }> {
  const text = await fetch(`${url}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const ms = (kind: string) =>
    sample(text, 'beckon_sqlite_statements_held_seconds_sum', `kind="${kind}"`) * 1000;
  // The series of a kind appears with its first collection: none yet is none, once the node answered.
  const gc = (suffix: string) => {
    const v = sample(text, `beckon_nodejs_gc_duration_seconds_${suffix}`, 'kind="major"');
    return Number.isNaN(v) && text.includes('beckon_nodejs_gc_duration_seconds') ? 0 : v;
  };
  return {
    held: { reset: ms('reset'), move: ms('move') },
    majors: gc('count'),
    majorMs: gc('sum') * 1000,
  };
}

/** Messages a second over a channel's span, first message to last; null for fewer than two. */
const meanRate = (messages: number, span: { first: number; last: number }): number | null =>
  messages > 1 && span.last > span.first ? round(((messages - 1) * 1000) / (span.last - span.first)) : null;

/** Samples the node's RSS every `everyMs` until stopped; the peak and the last sample, in bytes. */
function sampleRss(pid: number, everyMs: number) {
  let peak = 0;
  let last = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rss = await procRssBytes(pid);
      if (Number.isFinite(rss)) {
        last = rss;
        peak = Math.max(peak, rss);
      }
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { peak, last };
    },
  };
}

/** The broadcast's body: the order WhatsApp, SMS, e-mail, each channel's message to the contact. */
function broadcastBody(segmentId: string, waConn: string, smsConn: string) {
  return {
    name: 'Spring news (bench)',
    segmentId,
    channels: [...CHANNELS],
    holdoutPercent: HOLDOUT_PERCENT,
    content: {
      whatsapp: {
        connectionId: waConn,
        template: {
          name: SINK_TEMPLATE.name,
          language: SINK_TEMPLATE.language,
          variables: { body: { '1': '{{name|there}}' } },
        },
      },
      sms: { connectionId: smsConn, text: 'Hi {{name|there}}, spring prices are in. Reply STOP to opt out.' },
      email: {
        subject: 'Spring for {{name|you}}',
        text: 'Hello {{name|there}}, spring prices are in.',
        html: '<html><body><p>Hello {{name|there}}, <b>spring</b> prices are in.</p></body></html>',
      },
    },
  };
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const n = Number(opts.flags.recipients ?? 100_000);
  const kind = (opts.flags.store ?? 'sqlite') as 'sqlite' | 'postgres';
  if (kind !== 'sqlite' && kind !== 'postgres') throw new Error('--store takes sqlite or postgres');
  if (!(n >= 1)) throw new Error('--recipients takes a number of contacts above 0');
  const segmentContacts = Number(opts.flags['segment-contacts'] ?? 1_000_000);
  const maxSeconds = Number(opts.flags['max-seconds'] ?? 3600);
  const killAt = opts.flags['kill-at'] === undefined ? null : Number(opts.flags['kill-at']);
  if (killAt !== null && !(killAt >= 1)) throw new Error('--kill-at takes a number of messages above 0');
  const k = chatKnobs(opts, 5);
  const log = opts.log;

  const sinks: ChildServer = await startChildServer(SINKS);
  let nodes: BeckonNodes | undefined;
  let clients: ChatClients | undefined;
  const result: BenchResult = { workload: 'broadcast', recipients: n, store: kind };
  try {
    const smtpPort = Number(/^smtp (\d+)$/m.exec(sinks.output)?.[1]);
    const sinkUrl = `http://127.0.0.1:${sinks.port}`;
    const counts = async () => (await (await fetch(`${sinkUrl}/counts`)).json()) as SinkCounts;
    log(`broadcast: seeding ${n} contacts and ${k.pairs} chat pairs on ${kind}`);
    nodes = await startBeckonNodes({
      campaigns: 0,
      chatPairs: k.pairs,
      shared: kind === 'postgres',
      startTimeoutMs: 60_000 + n * 3,
      env: {
        BENCH_BROADCAST_CONTACTS: String(n),
        // The provider stand-ins listen on loopback, which the egress guard refuses by default.
        BECKON_EGRESS_ALLOW_PRIVATE: '1',
        BECKON_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        BECKON_EMAIL_DOMAIN: 'bench.beckon.local',
        BECKON_EMAIL_FROM: 'Bench Shop <news@bench.beckon.local>',
      },
    });
    const node = nodes;
    const pid = node.pids[0]!;
    const line = /^broadcast (.+)$/m.exec(node.servers[0]!.output)?.[1];
    if (!line) throw new Error('the bench node printed no broadcast seed');
    const seed = JSON.parse(line) as BroadcastSeed;
    log(`broadcast: ${seed.contacts} contacts seeded in ${seed.seedSeconds} s`);
    // The node's address: a node started again after `--kill-at` listens on another port.
    const api = <T>(method: string, path: string, body?: unknown) =>
      apiOf(node.urls[0]!, seed.apiKey)<T>(method, path, body);

    // The providers, connected as an admin would: the node tests each and reads the templates.
    const wa = await api<{ id: string }>('POST', '/api/v1/channels', {
      type: 'whatsapp',
      name: 'Bench WhatsApp',
      ...SINK_WHATSAPP,
      apiBaseUrl: sinkUrl,
    });
    const sms = await api<{ id: string }>('POST', '/api/v1/channels', {
      type: 'sms',
      name: 'Bench SMS',
      ...SINK_TWILIO,
      apiBaseUrl: sinkUrl,
    });
    const limits = await setRateLimits(api, opts.flags);
    let t0 = performance.now();
    const segment = await api<{ id: string; count: number }>('POST', '/api/v1/segments', {
      name: 'Reachable (bench)',
      filter: { field: 'channel', op: 'in', value: [...CHANNELS] },
    });
    const segmentCreateMs = performance.now() - t0;
    if (segment.count !== n) throw new Error(`the segment counts ${segment.count} contacts, not ${n}`);

    // The chat beside it: its maximum, then half of that alone, as W3 measures it.
    clients = await ChatClients.start(
      {
        kind: 'beckon',
        urls: node.urls,
        siteKey: node.siteKey,
        origin: BENCH_ORIGIN,
        agents: node.agents,
      },
      k.pairs,
      k.clients,
    );
    const target = { name: 'chat', clients, pids: node.pids };
    const max = await measure(target, k, { kind: 'closed' }, log);
    const halfRate =
      opts.flags['half-rate'] === undefined ? max.msgsPerSecond / 2 : Number(opts.flags['half-rate']);
    if (!(halfRate > 0)) throw new Error('--half-rate takes a rate in msgs/s above 0');
    const half = pacedAt(halfRate, k.pairs);
    // The machine and the sinks as the chat alone leaves them: the send's other threads, the
    // sinks and the chat's clients share two cores with the socket thread (bench/notes.md, W12).
    const others = async () => ({
      at: performance.now(),
      machine: await machineBusySeconds(),
      sinks: await procCpuSeconds(sinks.child.pid!),
      mainWait: await threadCoreWaitSeconds(pid, pid),
      ...(await nodeMetrics(node.urls[0]!)),
    });
    const aloneFrom = await others();
    const alone = await measure(target, k, half, log);
    const aloneTo = await others();
    // Each window's p99, its lines over the target and the socket thread's CPU, as it ends.
    const logWindow = (name: string, w: ChatRun) => {
      const over = w.visitorToAgentMs.filter((ms) => ms > TARGET_P99_MS).length;
      log(
        `  ${name}: p99 ${percentile(w.visitorToAgentMs, 99).toFixed(1)} ms, ` +
          `${over} of ${w.visitorToAgentMs.length} lines over ${TARGET_P99_MS} ms; ` +
          `main thread ${w.serverMainThreadCpuPercent.toFixed(0)} %`,
      );
    };
    // One window of the chat paced at half load. A line slower than the drain counts as lost, then
    // as out of order in the next window: on a loaded machine the tail runs past the default 5 s, so
    // late is told from lost by waiting longer.
    const pacedWindow = () =>
      clients!.run({ warmupSeconds: 0, seconds: k.seconds, pacing: half, drainMs: 30_000 }, node.pids);
    // `--alone-seconds N`: the chat alone paced for about N seconds more, in windows as beside the
    // send, so its own tail over a long stretch can be told from what the send adds.
    const aloneSeconds = Number(opts.flags['alone-seconds'] ?? 0);
    const longAlone: ChatRun[] = [];
    const longStart = performance.now();
    while ((performance.now() - longStart) / 1000 < aloneSeconds) {
      const w = await pacedWindow();
      longAlone.push(w);
      logWindow(`chat alone window ${longAlone.length}`, w);
    }
    const longSeconds = (performance.now() - longStart) / 1000;
    const longLatencies = longAlone.flatMap((w) => w.visitorToAgentMs);
    if (longAlone.length > 0)
      log(
        `  chat alone over ${longAlone.length} windows: p50 ${percentile(longLatencies, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(longLatencies, 99).toFixed(1)} ms`,
      );

    // The broadcast, with the chat paced at the same rate until every message has left.
    const rssBefore = await procRssBytes(pid);
    let rss = sampleRss(pid, 250);
    const cpu0 = await procCpuSeconds(pid);
    const main0 = await procCpuSeconds(pid, pid);
    const sendFrom = await others();
    let killed = null as Killed | null;
    t0 = performance.now();
    const created = await api<View>('POST', '/api/v1/broadcasts', broadcastBody(segment.id, wa.id, sms.id));
    log(`broadcast: ${created.id} created; ${n} recipients, ${HOLDOUT_PERCENT} % held out`);
    let view = created;
    let done = false;
    let timedOut = false;
    let viewMs = 0;
    let viewMsMax = 0;
    const monitor = (async () => {
      let lastLog = 0;
      while (!done) {
        await sleep(2000);
        // A node too busy to answer one read (a 503 while its store is slow) is asked again next time.
        const asked = performance.now();
        const read = await api<View>('GET', `/api/v1/broadcasts/${created.id}`).catch((err: Error) => {
          log(`  the broadcast's view was not read: ${err.message}`);
          return null;
        });
        if (!read) continue;
        // What the console's progress view waits for, every 2 s while it is open.
        viewMs = performance.now() - asked;
        viewMsMax = Math.max(viewMsMax, viewMs);
        view = read;
        const f = view.funnel;
        const s = await counts();
        const total = s.messages.whatsapp + s.messages.sms + s.messages.email;
        const elapsed = (performance.now() - t0) / 1000;
        if (elapsed - lastLog >= 10) {
          lastLog = elapsed;
          log(
            `  ${elapsed.toFixed(0)} s: ${f.targeted} recipients recorded, ${f.queued} queued, ${f.sent} sent, ` +
              `${total} at the sinks; node RSS ${((await procRssBytes(node.pids[0]!)) / MB).toFixed(0)} MB; ` +
              `the view read in ${viewMs.toFixed(0)} ms`,
          );
        }
        if (killAt !== null && killed === null && total >= killAt) {
          // A crash mid-send: no shutdown, rows in hand and a page half written are lost with it.
          const before = await rss.stop();
          const t = performance.now();
          await node.crashAndRestart();
          killed = {
            sinkMessages: total,
            queued: f.queued,
            restartSeconds: (performance.now() - t) / 1000,
            peakRssBefore: before.peak,
          };
          rss = sampleRss(node.pids[0]!, 250);
          log(
            `  killed the node with SIGKILL at ${total} messages; started again in ${killed.restartSeconds.toFixed(1)} s`,
          );
          continue;
        }
        if (view.status === 'sent' && f.sent + f.failed + (f.inDoubt ?? 0) >= f.queued && total >= f.sent)
          done = true;
        else if (elapsed > maxSeconds) {
          timedOut = true;
          done = true;
        }
      }
    })();
    const windows: ChatRun[] = [];
    // A node killed mid-send drops its chat sockets: such a run measures the send alone.
    while (!done && killAt === null) {
      const w = await pacedWindow();
      windows.push(w);
      logWindow(`chat window ${windows.length}`, w);
    }
    await monitor;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = killed ? NaN : (await procCpuSeconds(pid)) - cpu0;
    const mainCpu = killed ? NaN : (await procCpuSeconds(pid, pid)) - main0;
    const sendTo = await others();
    /**
     * Percent of one core over a stretch: the machine's (two cores make 200), the sinks'; or of the
     * stretch the socket thread waited for a core.
     */
    const share = (from: typeof sendFrom, to: typeof sendFrom, key: 'machine' | 'sinks' | 'mainWait') =>
      round(((to[key] - from[key]) / ((to.at - from.at) / 1000)) * 100);
    /** Milliseconds a second the checkpointer held the store's statements over a stretch; null off SQLite. */
    type HoldKind = (typeof HOLD_KINDS)[number];
    const heldPerSecond = (from: typeof sendFrom, to: typeof sendFrom, kind: HoldKind) => {
      const ms = to.held[kind] - from.held[kind];
      return Number.isFinite(ms) ? round(ms / ((to.at - from.at) / 1000)) : null;
    };
    /** Full collections a minute over a stretch, and their mean pause (ms); null where unread. */
    const perMinute = (from: typeof sendFrom, to: typeof sendFrom) => {
      const n = to.majors - from.majors;
      return Number.isFinite(n) ? round((n * 60_000) / (to.at - from.at)) : null;
    };
    const meanPause = (from: typeof sendFrom, to: typeof sendFrom) => {
      const n = to.majors - from.majors;
      const ms = to.majorMs - from.majorMs;
      return Number.isFinite(ms) && n > 0 ? round(ms / n) : null;
    };
    const memory = await rss.stop();
    // A message sent twice would come after the funnel's last count: give stragglers a moment.
    await sleep(2000);
    const s = await counts();
    view = await api<View>('GET', `/api/v1/broadcasts/${created.id}`);
    const f = view.funnel;
    const latencies = windows.flatMap((w) => w.visitorToAgentMs);
    const queueSeconds =
      view.startedAt && view.finishedAt
        ? (Date.parse(view.finishedAt) - Date.parse(view.startedAt)) / 1000
        : NaN;
    const messages = s.messages.whatsapp + s.messages.sms + s.messages.email;
    Object.assign(result, {
      finished: !timedOut,
      holdout_percent: HOLDOUT_PERCENT,
      sent: s.contacts,
      duplicates: s.duplicates,
      skipped: f.skipped,
      held_out: f.heldOut,
      // Recipients outside the holdout the sinks never heard of: must be 0.
      missing: n - f.heldOut - f.skipped - s.contacts,
      failed: f.failed,
      // Messages the kill left in doubt: the provider may have them; they are not sent again.
      in_doubt: f.inDoubt ?? 0,
      wrong_channel: s.wrongChannel,
      unknown_addresses: s.unknown,
      provider_refusals: s.refused,
      sent_whatsapp: s.messages.whatsapp,
      sent_sms: s.messages.sms,
      sent_email: s.messages.email,
      broadcast_seconds: round(seconds),
      recipients_recorded_seconds: round(queueSeconds),
      messages_per_s: round(messages / seconds),
      peak_per_s_whatsapp: s.peakPerSecond.whatsapp,
      peak_per_s_sms: s.peakPerSecond.sms,
      peak_per_s_email: s.peakPerSecond.email,
      // Each channel's messages over its own span, first to last: held at its limit when the node
      // is faster than the limit (set lower with --whatsapp-per-s, --sms-per-s, --email-per-min).
      mean_per_s_whatsapp: meanRate(s.messages.whatsapp, s.span.whatsapp),
      mean_per_s_sms: meanRate(s.messages.sms, s.span.sms),
      mean_per_s_email: meanRate(s.messages.email, s.span.email),
      ...limits,
      rss_before_mb: round(rssBefore / MB),
      peak_rss_mb: round(Math.max(memory.peak, killed?.peakRssBefore ?? 0) / MB),
      ...(killAt === null
        ? {}
        : {
            kill_at: killAt,
            killed_at_sink_messages: killed?.sinkMessages ?? null,
            killed_at_queued: killed?.queued ?? null,
            restart_seconds: killed ? round(killed.restartSeconds) : null,
          }),
      rss_after_mb: round(memory.last / MB),
      // The longest the broadcast's view (funnel and lift) took to answer while it was sending.
      view_read_ms_max: round(viewMsMax),
      server_cpu_percent: round((cpu / seconds) * 100),
      chat_alone_server_cpu_percent: round(alone.serverCpuPercent),
      // The thread that serves the chat's sockets: what the send leaves the chat of it.
      server_main_thread_cpu_percent: round((mainCpu / seconds) * 100),
      chat_alone_main_thread_cpu_percent: round(alone.serverMainThreadCpuPercent),
      // How long it was ready to run but waited for a core (what BECKON_BULK_CORE_WAIT_PERCENT gates on).
      main_thread_core_wait_percent: killed ? null : share(sendFrom, sendTo, 'mainWait'),
      chat_alone_main_thread_core_wait_percent: share(aloneFrom, aloneTo, 'mainWait'),
      // Everything else on the machine: all cores busy (percent of one core), the chat's clients, the sinks.
      machine_busy_percent: share(sendFrom, sendTo, 'machine'),
      chat_alone_machine_busy_percent: share(aloneFrom, aloneTo, 'machine'),
      chat_client_cpu_percent: round(
        windows.reduce((a, w) => a + w.clientCpuPercent, 0) / Math.max(1, windows.length),
      ),
      chat_alone_client_cpu_percent: round(alone.clientCpuPercent),
      sinks_cpu_percent: share(sendFrom, sendTo, 'sinks'),
      chat_alone_sinks_cpu_percent: share(aloneFrom, aloneTo, 'sinks'),
      // A SQLite node's checkpointer holding every statement (a WAL reset, a move of chat lines).
      ...Object.fromEntries(
        HOLD_KINDS.flatMap((kind) => [
          [`store_held_ms_per_s_${kind}`, killed ? null : heldPerSecond(sendFrom, sendTo, kind)],
          [`chat_alone_store_held_ms_per_s_${kind}`, heldPerSecond(aloneFrom, aloneTo, kind)],
        ]),
      ),
      // V8's full collections: each pauses the socket thread, and every chat line in flight with it.
      full_collections_per_min: killed ? null : perMinute(sendFrom, sendTo),
      full_collection_ms_mean: killed ? null : meanPause(sendFrom, sendTo),
      chat_alone_full_collections_per_min: perMinute(aloneFrom, aloneTo),
      // What the send added to the chat's CPU, per recipient: the sender's and outbox's own cost.
      broadcast_cpu_ms_per_recipient: round(((cpu - (alone.serverCpuPercent / 100) * seconds) * 1000) / n),
      // The part of it on the chat's thread.
      broadcast_main_thread_ms_per_recipient: round(
        ((mainCpu - (alone.serverMainThreadCpuPercent / 100) * seconds) * 1000) / n,
      ),
      chat_pairs: k.pairs,
      chat_msgs_per_s_max: round(max.msgsPerSecond),
      chat_half_load_offered_msgs_per_s: round(halfRate),
      chat_half_load_msgs_per_s: round(
        windows.reduce((a, w) => a + w.msgsPerSecond, 0) / Math.max(1, windows.length),
      ),
      chat_half_load_p99_ms_alone: round(alone.p99Ms),
      ...(longAlone.length > 0
        ? {
            chat_alone_long_seconds: round(longSeconds),
            chat_alone_long_p99_ms: round(percentile(longLatencies, 99)),
            chat_alone_long_p50_ms: round(percentile(longLatencies, 50)),
            chat_alone_long_main_thread_cpu_percent: round(
              longAlone.reduce((a, w) => a + w.serverMainThreadCpuPercent, 0) / longAlone.length,
            ),
          }
        : {}),
      chat_half_load_p50_ms: round(percentile(latencies, 50)),
      chat_half_load_p99_ms: round(percentile(latencies, 99)),
      target_chat_half_load_p99_ms: TARGET_P99_MS,
      // Of the lines slower than the target, the share in the send's first window: a send's start
      // (threads starting, schemas compiled at first use) against what it costs all along.
      chat_over_target_first_window_percent: overTargetFirstShare(windows),
      chat_errors: [max, alone, ...windows].reduce((a, w) => a + w.errors, 0),
      seed_seconds: seed.seedSeconds,
      segment_create_ms: round(segmentCreateMs),
    });
    log(
      `broadcast: ${s.contacts} contacts reached in ${seconds.toFixed(1)} s (${f.heldOut} held out, ` +
        `${f.skipped} skipped, ${s.duplicates} duplicates); peak RSS ${(memory.peak / MB).toFixed(0)} MB; ` +
        `chat p99 ${percentile(latencies, 99).toFixed(1)} ms (alone ${alone.p99Ms.toFixed(1)} ms)`,
    );
  } finally {
    await clients?.close().catch(() => {});
    await nodes?.stop().catch(() => {});
    await sinks.stop();
  }

  // The segment count over 1 M contacts, in a store of its own once the node has gone.
  if (segmentContacts > 0) {
    log(`segment count: seeding ${segmentContacts} contacts on ${kind}`);
    const figures = await measureSegmentCounts({ kind, contacts: segmentContacts, log });
    Object.assign(result, {
      segment_count_ms_1m: figures.max_ms,
      // Below 1,000,000 the figure above was measured at this size, not at 1 M.
      segment_count_contacts: figures.contacts,
      segment_count_scaled: figures.contacts !== 1_000_000,
      target_segment_count_ms: 1000,
    });
  }
  return result;
}
