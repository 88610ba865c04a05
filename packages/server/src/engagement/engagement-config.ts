/** A token-bucket limit: `rate` per second sustained, `burst` at once; rate 0 means unlimited. */
export interface RateLimit {
  rate: number;
  burst: number;
}

/** Timings and limits of the visitor gateway and tracker; defaults suit production, env overrides suit tests and benchmarks. */
export interface EngagementConfig {
  /** A socket that has not said hello by then is closed with 4408. */
  helloTimeoutMs: number;
  /** Sockets are pinged this often; one that has not answered by the next ping is closed with 4408 (0: off). */
  heartbeatMs: number;
  /** A session ends after this much inactivity (and at midnight in the site's time zone). */
  sessionIdleMs: number;
  /** A visitor with no open socket and no event for this long is evicted to the store. */
  evictIdleMs: number;
  /** Most visitors kept in memory; beyond it the longest-idle disconnected ones are evicted. */
  maxLiveVisitors: number;
  /** How often idle visitors are evicted and active ones snapshotted. */
  sweepIntervalMs: number;
  /** An active visitor's state is snapshotted to the store at most this often. */
  snapshotEveryMs: number;
  /** A visitor without an open socket still counts as live (on the site now) for this long. */
  liveWindowMs: number;
  /** Frames per visitor (all its tabs and beacons together). */
  visitorFrames: RateLimit;
  /** Frames per client address (all its sockets and beacons together). */
  addressFrames: RateLimit;
  /** New sockets and beacons per client address. */
  addressConnects: RateLimit;
  /** Schema-invalid frames tolerated on one socket (each answered with an error frame) before 4400. */
  maxBadFrames: number;
  /** Site-key lookups are cached this long (origin allow-list changes apply within it). */
  siteCacheMs: number;
  /** Campaign changes made on another node without a bus message are noticed within this. */
  campaignPollMs: number;
  /** Skill capacity (routing's view: agents connected, online, with free slots) is re-read this often. */
  capacityTtlMs: number;
  /** A visitor who qualified while the chat skill was busy is looked at again after this long. */
  capacityRetryMs: number;
  /** Resolution of the timers that fire time-based conditions. */
  timerResolutionMs: number;
  writerFlushMs: number;
  writerMaxRows: number;
  /** Batch acks wait while more rows than this are waiting to be written (0: never). */
  writerBacklogRows: number;
}

const num = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got "${raw}"`);
  return n;
};

/** Parses "RATE/BURST" (e.g. "20/100"); "0" disables the limit. */
export const rate = (env: NodeJS.ProcessEnv, name: string, fallback: RateLimit): RateLimit => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const [r, b] = raw.split('/').map(Number);
  if (!Number.isFinite(r) || r! < 0 || (b !== undefined && (!Number.isFinite(b) || b < 1))) {
    throw new Error(`${name} must look like RATE/BURST (e.g. 20/100) or 0, got "${raw}"`);
  }
  return { rate: r!, burst: b ?? Math.max(1, r! * 2) };
};

/** Reads the engagement configuration: defaults, overridden by BECKON_* environment variables. */
export function loadEngagementConfig(env: NodeJS.ProcessEnv = process.env): EngagementConfig {
  return {
    helloTimeoutMs: num(env, 'BECKON_HELLO_TIMEOUT_MS', 10_000),
    heartbeatMs: num(env, 'BECKON_HEARTBEAT_MS', 25_000),
    sessionIdleMs: num(env, 'BECKON_SESSION_IDLE_MS', 30 * 60_000),
    evictIdleMs: num(env, 'BECKON_VISITOR_EVICT_MS', 5 * 60_000),
    maxLiveVisitors: num(env, 'BECKON_MAX_LIVE_VISITORS', 200_000),
    sweepIntervalMs: num(env, 'BECKON_VISITOR_SWEEP_MS', 15_000),
    snapshotEveryMs: num(env, 'BECKON_VISITOR_SNAPSHOT_MS', 60_000),
    liveWindowMs: 30_000,
    visitorFrames: rate(env, 'BECKON_RATE_VISITOR', { rate: 20, burst: 100 }),
    addressFrames: rate(env, 'BECKON_RATE_ADDRESS', { rate: 500, burst: 2000 }),
    addressConnects: rate(env, 'BECKON_RATE_ADDRESS_CONNECT', { rate: 5, burst: 100 }),
    maxBadFrames: 5,
    siteCacheMs: 10_000,
    campaignPollMs: num(env, 'BECKON_CAMPAIGN_POLL_MS', 10_000),
    capacityTtlMs: num(env, 'BECKON_CAPACITY_TTL_MS', 1000),
    capacityRetryMs: num(env, 'BECKON_CAPACITY_RETRY_MS', 5000),
    timerResolutionMs: 25,
    writerFlushMs: num(env, 'BECKON_WRITER_FLUSH_MS', 10),
    writerMaxRows: num(env, 'BECKON_WRITER_MAX_ROWS', 500),
    writerBacklogRows: num(env, 'BECKON_WRITER_BACKLOG_ROWS', 20_000),
  };
}
