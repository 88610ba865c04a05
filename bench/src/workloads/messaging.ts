// W8 messaging, in two parts, each on a fresh Beckon node in its own process (SQLite, default
// settings, the SMTP listener on, rate limits off).
// In-app: P app users sign in through the Messaging API with a verified userHash and talk over
// `/v1/chat` with the SDK's MessagingClient; P agents accept and answer every line. The closed
// loop finds the maximum; a paced run at half of it measures send → agent socket latency.
// SMTP: K pooled connections send 20 KB mails, each from its own sender, to the site's inbound
// address for a fixed time, against Beckon's listener (250 only once stored) and a do-nothing
// smtp-server in the same run. Afterwards every mail that got a 250 must be an e-mail
// conversation in the store, queued or offered to an agent.
// Knobs: --pairs, --clients, --warmup, --rounds, --connections, --smtp-seconds, --part app|smtp;
// --ab KEY=VALUE adds a second node with that environment variable to the SMTP part.
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer } from '../child-server.ts';
import { ChatClients, type ChatRun } from '../load/chat-clients.ts';
import { runSmtpLoad, type SmtpRun } from '../load/smtp-load.ts';
import { type BeckonNodes, startBeckonNodes } from '../servers/beckon-nodes.ts';
import type { MessagingSeed } from '../servers/messaging-seed.ts';
import { median, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { type ChatKnobs, measure, pacedAt } from './chat.ts';

const SINK = fileURLToPath(new URL('../baselines/smtp-sink.ts', import.meta.url));

/** The node under test: the listener on a free port, the per-sender and per-client mail limits off. */
const NODE_ENV: Record<string, string> = {
  BENCH_MESSAGING: '1',
  BECKON_SMTP_PORT: '0',
  BECKON_EMAIL_DOMAIN: 'bench.beckon.local',
  BECKON_RATE_EMAIL_SENDER: '0',
  BECKON_RATE_EMAIL_CLIENT: '0',
};

const med = <T>(runs: T[], f: (r: T) => number) => median(runs.map(f));

function seedOf(nodes: BeckonNodes): MessagingSeed {
  const line = /^messaging (.+)$/m.exec(nodes.servers[0]!.output)?.[1];
  if (!line) throw new Error('the bench node printed no messaging seed');
  return JSON.parse(line) as MessagingSeed;
}

/** GET on the node's API as the bench account's API key. */
async function api<T>(nodes: BeckonNodes, seed: MessagingSeed, path: string): Promise<T> {
  const res = await fetch(`${nodes.urls[0]}${path}`, { headers: { authorization: `Bearer ${seed.apiKey}` } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The in-app part's figures. */
async function inApp(k: ChatKnobs, rounds: number, log: (line: string) => void) {
  const nodes = await startBeckonNodes({
    campaigns: 0,
    env: { ...NODE_ENV, BENCH_APP_PAIRS: String(k.pairs) },
  });
  let clients: ChatClients | undefined;
  try {
    const seed = seedOf(nodes);
    // As the site's server would: its identity secret signs its users' ids.
    const { secret } = await api<{ secret: string }>(nodes, seed, `/api/v1/sites/${seed.siteId}/identity`);
    log(`in-app: ${k.pairs} app users and agents, set up one at a time`);
    clients = await ChatClients.start(
      {
        kind: 'beckon_app',
        url: nodes.urls[0]!,
        siteKey: nodes.siteKey,
        identitySecret: secret,
        agents: seed.appAgents,
      },
      k.pairs,
      k.clients,
    );
    const target = { name: 'in-app', clients, pids: nodes.pids };
    const closed: ChatRun[] = [];
    for (let r = 0; r < rounds; r++) closed.push(await measure(target, k, { kind: 'closed' }, log));
    const max = med(closed, (r) => r.msgsPerSecond);
    const half: ChatRun[] = [];
    for (let r = 0; r < rounds; r++) {
      log(`in-app at half of the max: ${Math.round(max / 2)} msgs/s offered`);
      half.push(await measure(target, k, pacedAt(max / 2, k.pairs), log));
    }
    return { max, closed, half };
  } finally {
    await clients?.close();
    await nodes.stop();
  }
}

/** Conversations of a channel in the store, by status, read page by page through the API. */
async function conversationsByStatus(nodes: BeckonNodes, seed: MessagingSeed, channel: string) {
  const counts = new Map<string, number>();
  let cursor: string | null = null;
  do {
    const q: string = `channel=${channel}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { items: Array<{ status: string }>; nextCursor: string | null } = await api(
      nodes,
      seed,
      `/api/v1/conversations?${q}`,
    );
    for (const c of page.items) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
    cursor = page.nextCursor;
  } while (cursor);
  return counts;
}

interface SmtpKnobs {
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

/** One Beckon node under the SMTP load: its windows, and the store counted against the 250s. */
interface MailNode {
  name: string;
  nodes: BeckonNodes;
  seed: MessagingSeed;
  runs: SmtpRun[];
}

async function mailNode(name: string, env: Record<string, string>): Promise<MailNode> {
  const nodes = await startBeckonNodes({ campaigns: 0, env: { ...NODE_ENV, ...env } });
  const seed = seedOf(nodes);
  if (seed.smtpPort === null) {
    await nodes.stop();
    throw new Error('the bench node has no SMTP listener');
  }
  return { name, nodes, seed, runs: [] };
}

/** What the store holds after the load: every 250 an e-mail conversation, each routed. */
async function tally(n: MailNode, log: (line: string) => void) {
  const byStatus = await conversationsByStatus(n.nodes, n.seed, 'email');
  const stored = [...byStatus.values()].reduce((a, b) => a + b, 0);
  const routed =
    (byStatus.get('queued') ?? 0) + (byStatus.get('offered') ?? 0) + (byStatus.get('active') ?? 0);
  const accepted = n.runs.reduce((sum, r) => sum + r.accepted, 0);
  log(
    `  ${n.name} store: ${stored} e-mail conversations for ${accepted} mails answered 250 (${[...byStatus]
      .map(([s, c]) => `${s} ${c}`)
      .join(', ')})`,
  );
  // A 250 without its conversation, or a conversation without a 250: either is a failure.
  return { stored, routed, accepted, missing: Math.abs(accepted - stored) + (stored - routed) };
}

/**
 * The SMTP part: the sink and the node take turns, then the store is counted. With `ab`, a
 * second node started with that setting takes its turn in every round too (an A/B in one run).
 */
async function smtp(
  k: SmtpKnobs,
  rounds: number,
  ab: Record<string, string> | undefined,
  log: (line: string) => void,
) {
  let sink: ChildServer | undefined;
  const targets: MailNode[] = [];
  try {
    sink = await startChildServer(SINK);
    targets.push(await mailNode('beckon', {}));
    if (ab)
      targets.push(await mailNode(`beckon[${Object.entries(ab).map(([key, v]) => `${key}=${v}`)}]`, ab));
    log(`smtp: ${k.connections} connections, mails of 20 KB to ${targets[0]!.seed.inbound}`);
    const sinkRuns: SmtpRun[] = [];
    const runTag = Date.now().toString(36);
    const window = async (name: string, port: number, pid: number, tag: string) => {
      const r = await runSmtpLoad({ ...k, port, serverPid: pid, to: targets[0]!.seed.inbound, tag });
      log(
        `  ${name}: ${Math.round(r.mailsPerSecond)} mails/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms; ` +
          `CPU server ${r.serverCpuPercent.toFixed(0)} % (main thread ${r.serverMainThreadCpuPercent.toFixed(0)} %), ` +
          `client ${r.clientCpuPercent.toFixed(0)} %; accepted ${r.accepted}, failed ${r.failed}` +
          (r.reasons.length ? ` (${r.reasons.join('; ')})` : ''),
      );
      return r;
    };
    // Rounds take turns so that a noisy neighbour hurts every server alike.
    for (let r = 0; r < rounds; r++) {
      sinkRuns.push(await window('smtp-server sink', sink.port, sink.child.pid!, `${runTag}s${r}`));
      for (const [i, t] of targets.entries())
        t.runs.push(await window(t.name, t.seed.smtpPort!, t.nodes.pids[0]!, `${runTag}n${i}r${r}`));
    }
    const tallies = [];
    for (const t of targets) tallies.push(await tally(t, log));
    return { sinkRuns, targets, tallies };
  } finally {
    for (const t of targets) await t.nodes.stop();
    await sink?.stop();
  }
}

/** Figures of one node's SMTP windows, against the sink's windows of the same rounds. */
function mailFigures(prefix: string, runs: SmtpRun[], sinkRuns: SmtpRun[], t: { missing: number }) {
  const perMail = (r: SmtpRun) => (r.serverCpuPercent / 100 / r.mailsPerSecond) * 1e6;
  return {
    [`${prefix}mails_per_s`]: round(med(runs, (r) => r.mailsPerSecond)),
    [`${prefix}ratio_vs_smtp_server`]: round(
      median(runs.map((b, i) => b.mailsPerSecond / sinkRuns[i]!.mailsPerSecond)),
    ),
    [`${prefix}mail_p50_ms`]: round(med(runs, (r) => r.p50Ms)),
    [`${prefix}mail_p99_ms`]: round(med(runs, (r) => r.p99Ms)),
    [`${prefix}mail_server_cpu_percent`]: round(med(runs, (r) => r.serverCpuPercent)),
    [`${prefix}mail_server_main_thread_cpu_percent`]: round(med(runs, (r) => r.serverMainThreadCpuPercent)),
    [`${prefix}mail_server_us_per_mail`]: round(med(runs, perMail)),
    [`${prefix}mails_missing`]: t.missing,
    [`${prefix}mails_failed`]: runs.reduce((n, r) => n + r.failed, 0),
  };
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const part = opts.flags.part ?? 'both';
  if (!['app', 'smtp', 'both'].includes(part)) throw new Error('--part takes app, smtp or both');
  const rounds = Math.max(1, Number(opts.flags.rounds ?? 1));
  const chat: ChatKnobs = {
    pairs: Number(opts.flags.pairs ?? 200),
    clients: Number(opts.flags.clients ?? 1),
    warmupSeconds: Number(opts.flags.warmup ?? 2),
    seconds: opts.duration ?? 8,
  };
  const mail: SmtpKnobs = {
    connections: Number(opts.flags.connections ?? 10),
    warmupSeconds: Math.min(2, Number(opts.flags.warmup ?? 2)),
    seconds: Number(opts.flags['smtp-seconds'] ?? opts.duration ?? 10),
  };
  const out: BenchResult = { workload: 'messaging', rounds };
  if (part !== 'smtp') {
    const a = await inApp(chat, rounds, opts.log);
    const all = [...a.closed, ...a.half];
    Object.assign(out, {
      app_users: chat.pairs,
      app_seconds: chat.seconds,
      app_msgs_per_s: round(a.max),
      app_p99_ms_at_max: round(med(a.closed, (r) => r.p99Ms)),
      app_half_load_offered_msgs_per_s: round(a.max / 2),
      app_half_load_msgs_per_s: round(med(a.half, (r) => r.msgsPerSecond)),
      app_p50_ms: round(med(a.half, (r) => r.p50Ms)),
      app_p99_ms: round(med(a.half, (r) => r.p99Ms)),
      app_agent_to_user_p99_ms: round(med(a.half, (r) => r.agentP99Ms)),
      app_target_p99_ms: 50,
      app_server_cpu_percent: round(med(a.closed, (r) => r.serverCpuPercent)),
      app_server_main_thread_cpu_percent: round(med(a.closed, (r) => r.serverMainThreadCpuPercent)),
      app_server_ns_per_msg: round(med(a.closed, (r) => (r.serverCpuPercent / 100 / r.msgsPerSecond) * 1e9)),
      app_client_cpu_percent: round(med(a.closed, (r) => r.clientCpuPercent)),
      app_half_load_server_cpu_percent: round(med(a.half, (r) => r.serverCpuPercent)),
      app_errors: all.reduce((n, r) => n + r.errors, 0),
      app_refused: all.reduce((n, r) => n + r.refused, 0),
    });
  }
  if (part !== 'app') {
    const ab = typeof opts.flags.ab === 'string' ? /^(\w+)=(.*)$/.exec(opts.flags.ab) : null;
    if (opts.flags.ab !== undefined && !ab) throw new Error('--ab takes KEY=VALUE');
    const s = await smtp(mail, rounds, ab ? { [ab[1]!]: ab[2]! } : undefined, opts.log);
    const [beckon, variant] = s.targets;
    const [counted, variantCounted] = s.tallies;
    Object.assign(out, {
      smtp_connections: mail.connections,
      smtp_seconds: mail.seconds,
      mail_bytes: 20 * 1024,
      ...mailFigures('', beckon!.runs, s.sinkRuns, counted!),
      smtp_server_mails_per_s: round(med(s.sinkRuns, (r) => r.mailsPerSecond)),
      target_mails_per_s: 200,
      smtp_server_mail_p99_ms: round(med(s.sinkRuns, (r) => r.p99Ms)),
      smtp_server_us_per_mail: round(
        med(s.sinkRuns, (r) => (r.serverCpuPercent / 100 / r.mailsPerSecond) * 1e6),
      ),
      mail_client_cpu_percent: round(med(beckon!.runs, (r) => r.clientCpuPercent)),
      mails_accepted: counted!.accepted,
      mails_stored: counted!.stored,
      mails_routed: counted!.routed,
      smtp_server_mails_failed: s.sinkRuns.reduce((n, r) => n + r.failed, 0),
      ...(variant
        ? { ab_setting: variant.name, ...mailFigures('ab_', variant.runs, s.sinkRuns, variantCounted!) }
        : {}),
    });
  }
  return out;
}
