// Smoke tests of the socket workloads: each runs for a second or two with tiny settings and must
// return its figures with the keys BENCHMARKS.md and PERFORMANCE.md name, and nothing lost.
// They catch a broken workload in `npm test`; they assert no speed (that is `npm run bench`'s job).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SHARED_PG_URL, SHARED_REDIS_URL } from '../src/servers/beckon-nodes.ts';
import type { BenchResult, Workload } from '../src/types.ts';

const quiet = () => {};

async function load(name: string): Promise<Workload> {
  return (await import(`../src/workloads/${name}.ts`)).default as Workload;
}

function assertFigures(result: BenchResult, workload: string, keys: string[]): void {
  assert.equal(result.workload, workload);
  for (const k of keys) {
    assert.equal(typeof result[k], 'number', `${k} should be a number, got ${String(result[k])}`);
    assert.ok(Number.isFinite(result[k] as number), `${k} should be finite, got ${String(result[k])}`);
  }
}

/** Null when PostgreSQL and Redis answer; else why the scale-out smoke is skipped (CI requires them). */
async function sharedServicesMissing(): Promise<string | null> {
  const c = new pg.Client({ connectionString: SHARED_PG_URL, connectionTimeoutMillis: 3000 });
  const r = new Redis(SHARED_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await c.connect();
    await r.connect();
    await r.ping();
    return null;
  } catch (err) {
    const reason = `PostgreSQL or Redis unreachable (${(err as Error).message}); scale-out smoke skipped`;
    if (process.env.CI === 'true') throw new Error(`${reason} — but CI requires them`);
    return reason;
  } finally {
    await c.end().catch(() => {});
    r.disconnect();
  }
}

describe('bench workloads (smoke)', () => {
  it('chat: Beckon and both relays carry every line; figures under the PERFORMANCE.md names', async () => {
    const run = await load('chat');
    // BENCH_LINE_TRACE: each client process writes every measured line it saw.
    const traces = mkdtempSync(join(tmpdir(), 'beckon-line-trace-'));
    process.env.BENCH_LINE_TRACE = join(traces, 'lines');
    const r = await run({
      duration: 1,
      flags: { pairs: '12', warmup: '0.5', rounds: '1' },
      log: quiet,
    }).finally(() => delete process.env.BENCH_LINE_TRACE);
    const traced = readdirSync(traces).flatMap((f) =>
      readFileSync(join(traces, f), 'utf8').trim().split('\n'),
    );
    rmSync(traces, { recursive: true, force: true });
    for (const line of traced) assert.match(line, /^\d+\.\d \d+\.\d\d [va]$/);
    assert.ok(
      traced.some((l) => l.endsWith(' v')) && traced.some((l) => l.endsWith(' a')),
      'both ways traced',
    );
    assertFigures(r, 'chat', [
      'msgs_per_s',
      'socketio_msgs_per_s',
      'raw_ws_msgs_per_s',
      'ratio_vs_socketio',
      'ratio_vs_raw_ws',
      'p50_ms',
      'p99_ms',
      'half_load_msgs_per_s',
      'socketio_p99_ms_at_half_load',
      'raw_ws_p99_ms_at_half_load',
      'disk_flush_p99_ms_at_half_load',
      'server_cpu_percent',
      'client_cpu_percent',
      'errors',
      'refused',
    ]);
    assert.ok((r.msgs_per_s as number) > 0 && (r.socketio_msgs_per_s as number) > 0);
    assert.ok((r.disk_flush_p99_ms_at_half_load as number) > 0, 'the disk was timed');
    assert.equal(r.errors, 0, 'a line was lost, unacknowledged, duplicated or reordered');
  });

  it('messaging: app users reach agents, and every mail answered 250 is a routed conversation', async () => {
    const run = await load('messaging');
    const r = await run({
      duration: 1,
      flags: { pairs: '4', warmup: '0.5', connections: '2', 'smtp-seconds': '1' },
      log: quiet,
    });
    assertFigures(r, 'messaging', [
      'app_msgs_per_s',
      'app_p50_ms',
      'app_p99_ms',
      'app_errors',
      'mails_per_s',
      'smtp_server_mails_per_s',
      'ratio_vs_smtp_server',
      'mail_p99_ms',
      'mails_accepted',
      'mails_stored',
      'mails_missing',
      'mails_failed',
    ]);
    assert.ok((r.app_msgs_per_s as number) > 0 && (r.mails_accepted as number) > 0);
    assert.equal(r.app_errors, 0, 'an app line was lost, unacknowledged, duplicated or reordered');
    assert.equal(r.mails_failed, 0, 'a mail was refused');
    assert.equal(r.mails_stored, r.mails_accepted, 'a mail answered 250 is not in the store');
    assert.equal(r.mails_missing, 0);
  });

  it('channels: every signed delivery Beckon answers 200 reaches an agent; figures under the PERFORMANCE.md names', async () => {
    const run = await load('channels');
    const r = await run({
      duration: 1,
      flags: { agents: '2', capacity: '3', connections: '4', warmup: '0.5' },
      log: quiet,
    });
    assertFigures(r, 'channels', [
      'deliveries_per_s',
      'fastify_sink_deliveries_per_s',
      'ratio_vs_fastify_sink',
      'p50_ms',
      'p99_ms',
      'server_us_per_delivery',
      'deliveries_failed',
      'deliveries_missing',
    ]);
    assert.ok((r.deliveries_per_s as number) > 0 && (r.fastify_sink_deliveries_per_s as number) > 0);
    assert.equal(r.deliveries_failed, 0, 'a signed delivery was refused');
    assert.equal(r.deliveries_missing, 0, 'a delivery answered 200 never reached an agent');
  });

  it('broadcast: every recipient outside the holdout gets exactly one message at the provider sinks', async () => {
    const run = await load('broadcast');
    const r = await run({
      duration: 1,
      flags: { recipients: '200', 'segment-contacts': '2000', pairs: '4', warmup: '0.5' },
      log: quiet,
    });
    assertFigures(r, 'broadcast', [
      'recipients',
      'sent',
      'duplicates',
      'skipped',
      'held_out',
      'peak_rss_mb',
      'chat_half_load_p99_ms',
      'segment_count_ms_1m',
    ]);
    assert.equal(r.finished, true, 'the broadcast did not finish');
    assert.equal(r.segment_count_contacts, 2000);
    assert.equal(r.duplicates, 0, 'a contact got two messages');
    assert.equal(r.skipped, 0, 'every seeded contact is reachable');
    assert.equal(r.missing, 0, 'a recipient outside the holdout got nothing');
    assert.equal(r.wrong_channel, 0, 'a contact got another channel than the order gives');
    assert.ok((r.held_out as number) > 0 && (r.held_out as number) < 60, `held out ${r.held_out}`);
    assert.equal((r.sent as number) + (r.held_out as number), 200);
    assert.equal(r.chat_errors, 0);
    // What else wanted the cores meanwhile: the machine is busy at least as the node is.
    assert.ok(
      (r.machine_busy_percent as number) >= (r.server_cpu_percent as number) * 0.5,
      `machine ${r.machine_busy_percent} %`,
    );
    assert.ok(Number.isFinite(r.sinks_cpu_percent as number), `sinks ${r.sinks_cpu_percent}`);
    // The socket thread's wait for a core: a share of the stretch, measured alone and beside the send.
    for (const key of ['main_thread_core_wait_percent', 'chat_alone_main_thread_core_wait_percent']) {
      const v = r[key] as number;
      assert.ok(Number.isFinite(v) && v >= 0 && v <= 100, `${key} ${v}`);
    }
    // V8's full collections, read from the node's own metrics: a rate, alone and beside the send.
    for (const key of ['full_collections_per_min', 'chat_alone_full_collections_per_min']) {
      const v = r[key] as number;
      assert.ok(Number.isFinite(v) && v >= 0, `${key} ${v}`);
    }
    const pause = r.full_collection_ms_mean;
    assert.ok(pause === null || (pause as number) > 0, `full collection pause ${pause}`);
    // Where the slow lines came: a share of them, or none slower than the target.
    const first = r.chat_over_target_first_window_percent;
    assert.ok(
      first === null || ((first as number) >= 0 && (first as number) <= 100),
      `first window ${first}`,
    );
  });

  it('ingest: the W1 generator still drives the relay and a node', async () => {
    const run = await load('ingest');
    // Two seconds a phase: on a machine loaded to 20 runnable processes, the half-load phase of a
    // one-second run once had no batch acknowledged inside its window, so no latency to report.
    const once = () =>
      run({ duration: 2, flags: { sockets: '10', campaigns: '5', warmup: '1' }, log: quiet });
    let r = await once();
    // A loaded machine's disk can hold the events writer's commits for longer than the window: its
    // backlog then sits at the cap (BECKON_WRITER_BACKLOG_ROWS), no batch is acknowledged and the
    // maximum comes out 0. That is the back-pressure working, not the generator failing: measure again,
    // up to twice. (A fresh-clone run ended one such window with 19,590 rows waiting: near the cap, not at it.)
    // A maximum of 0 leaves no half load to pace (p99 NaN): measure again too. (The half-load window
    // opens once the writer has caught up: opened on a full backlog, it once saw no ack three times.)
    const held = () =>
      (r.events_per_s === 0 && (r.writer_backlog_rows_at_end as number) >= 10_000) ||
      !Number.isFinite(r.p99_ms as number);
    for (let i = 0; i < 2 && held(); i++) r = await once();
    assertFigures(r, 'ingest', [
      'events_per_s',
      'raw_ws_events_per_s',
      'ratio_vs_raw_ws',
      'p99_ms',
      'raw_ws_paced_server_cpu_us_per_event',
      'machine_cpu_percent',
      'ratio_ceiling_at_full_machine',
      'errors',
    ]);
    assert.equal(r.errors, 0);
    // The machine ran both processes, so it was busier than either; the ceiling is a ratio like the measured one.
    // The machine's figure comes from /proc/stat, sampled a tick at a time per core, the server's from
    // its own exact run time: over a one-second window on a busy machine the sampled one can come out
    // lower (a full run failed the strict check), so ten points are allowed and both are printed.
    const machine = r.machine_cpu_percent as number;
    const server = r.server_cpu_percent as number;
    assert.ok(machine + 10 >= server, `machine ${machine} % busy, the server alone ${server} %`);
    assert.ok((r.ratio_ceiling_at_full_machine as number) > 0, JSON.stringify(r));
  });

  it('tracker: frames reach 100 visitors in process and are timed against parsing alone', async () => {
    const run = await load('tracker');
    const r = await run({ duration: 1, flags: { visitors: '20', rounds: '1' }, log: quiet });
    assertFigures(r, 'tracker', [
      'ns_per_frame',
      'ns_per_event',
      'parse_validate_ns_per_frame',
      'tracker_ns_per_frame',
      'engagements_per_frame',
    ]);
    assert.ok((r.frames as number) > 0, 'frames were handled');
    // Every timed frame reached its visitor's state (timings are compared by the benchmark, not here).
    assert.equal(r.applied_events, (r.frames as number) * 10);
  });

  it('scaleout: W1 and W3 over two nodes sharing PostgreSQL and Redis', async (t) => {
    const missing = await sharedServicesMissing();
    if (missing) return t.skip(missing);
    const run = await load('scaleout');
    const r = await run({
      duration: 1,
      flags: { nodes: '2', pairs: '6', sockets: '6', warmup: '0.5' },
      log: quiet,
    });
    assertFigures(r, 'scaleout', [
      'ingest_events_per_s_1_node',
      'ingest_events_per_s_2_nodes',
      'ingest_efficiency_2_nodes',
      'chat_msgs_per_s_1_node',
      'chat_msgs_per_s_2_nodes',
      'chat_efficiency_2_nodes',
      'errors',
    ]);
    assert.equal(r.errors, 0);
  });
});
