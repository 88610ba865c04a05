import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { collectHot, hotCounter } from '../ops/hot-counter.ts';

/** Why the gateway refused a socket, a frame or a beacon (the `reason` label). */
export type RefusalReason =
  | 'unknown_site'
  | 'origin'
  | 'connect_rate'
  | 'address_rate'
  | 'visitor_rate'
  | 'bad_json'
  | 'bad_frame'
  | 'bad_event'
  | 'binary_frame'
  | 'frame_too_large'
  | 'hello_required'
  | 'hello_timeout'
  | 'heartbeat_timeout'
  | 'queue_full';

const REASONS: RefusalReason[] = [
  'unknown_site',
  'origin',
  'connect_rate',
  'address_rate',
  'visitor_rate',
  'bad_json',
  'bad_frame',
  'bad_event',
  'binary_frame',
  'frame_too_large',
  'hello_required',
  'hello_timeout',
  'heartbeat_timeout',
  'queue_full',
];

/** The gateway's, tracker's and writer's counters, registered on the node's Prometheus registry. */
export function createEngagementMetrics(
  registry: Registry,
  liveVisitors: () => number,
  writerPending: () => number,
) {
  const registers = [registry];
  const refusals = new Counter({
    name: 'beckon_visitor_refusals_total',
    help: 'Visitor sockets, frames and beacons refused by the gateway, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  // Every reason appears from the start (at 0), so dashboards and alerts see the full set.
  for (const r of REASONS) refusals.inc({ reason: r }, 0);
  const batches = new Counter({
    name: 'beckon_visitor_batches_total',
    help: 'Event batches accepted, by transport (ws or beacon)',
    labelNames: ['transport'] as const,
    registers,
    collect: collectHot,
  });
  const events = new Counter({
    name: 'beckon_visitor_events_total',
    help: 'Visitor events applied',
    registers,
    collect: collectHot,
  });
  const duplicates = new Counter({
    name: 'beckon_visitor_duplicate_batches_total',
    help: 'Retried batches acknowledged but not applied again',
    registers,
  });
  const exposures = new Counter({
    name: 'beckon_exposures_total',
    help: 'Engagements sent (shown), control-group qualifications (control), manual invitations and offers taken back (withdrawn)',
    labelNames: ['kind'] as const,
    registers,
  });
  const sessions = new Counter({
    name: 'beckon_visitor_sessions_total',
    help: 'Sessions started, by new or returning visitor',
    labelNames: ['visitor'] as const,
    registers,
  });
  const evictions = new Counter({
    name: 'beckon_visitor_evictions_total',
    help: 'Idle visitors moved from memory to the store',
    registers,
  });
  const restores = new Counter({
    name: 'beckon_visitor_restores_total',
    help: 'Returning visitors whose state was restored from the store',
    registers,
  });
  new Gauge({
    name: 'beckon_live_visitors',
    help: 'Visitor states held in memory on this node',
    registers,
    collect() {
      this.set(liveVisitors());
    },
  });
  new Gauge({
    name: 'beckon_events_writer_pending_rows',
    help: 'Rows accepted by the batched writer and not yet committed (a growing backlog: the store is behind)',
    registers,
    collect() {
      this.set(writerPending());
    },
  });
  const writerRows = new Counter({
    name: 'beckon_events_writer_rows_total',
    help: 'Rows written by the batched writer',
    registers,
  });
  const writerFlush = new Histogram({
    name: 'beckon_events_writer_flush_seconds',
    help: 'Duration of one batched-writer transaction',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });
  const writerFailures = new Counter({
    name: 'beckon_events_writer_failures_total',
    help: 'Failed batched-writer transactions',
    registers,
  });
  const writerDropped = new Counter({
    name: 'beckon_events_writer_dropped_total',
    help: 'Rows the writer gave up on (store refused them or the buffer overflowed)',
    registers,
  });
  return {
    refusals,
    batchesWs: hotCounter(batches, { transport: 'ws' }),
    batchesBeacon: batches.labels('beacon'),
    events: hotCounter(events),
    duplicates,
    exposuresShown: exposures.labels('shown'),
    exposuresControl: exposures.labels('control'),
    exposuresManual: exposures.labels('manual'),
    exposuresWithdrawn: exposures.labels('withdrawn'),
    sessionsNew: sessions.labels('new'),
    sessionsReturning: sessions.labels('returning'),
    evictions,
    restores,
    writerRows,
    writerFlush,
    writerFailures,
    writerDropped,
  };
}

export type EngagementMetrics = ReturnType<typeof createEngagementMetrics>;
