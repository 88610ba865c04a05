/** How the propensity model is fed, trained and swapped; defaults suit production, env overrides suit tests. */
export interface ScoringConfig {
  /** Labelled sessions an account needs before its own model may replace the default one. */
  minSessions: number;
  /** …and purchases among them. */
  minPurchases: number;
  /** Scheduled training every this many hours (0 turns it off). */
  trainEveryHours: number;
  /** How often the schedule is checked. */
  scheduleCheckMs: number;
  /** Most recent sessions a training run reads. */
  maxTrainingRows: number;
  /** Days of per-page statistics behind bounce rate, exit rate and page value. */
  statsWindowDays: number;
  /** A site's page statistics are re-read from the store this often (picks up other nodes' sessions). */
  statsReloadMs: number;
  /** Finished sessions wait at most this long before they are written. */
  recordFlushMs: number;
  /** A session with no event for this long is finished (the tracker's session idle time). */
  sessionIdleMs: number;
  /** How often idle sessions are finished. */
  sweepMs: number;
  /** Nodes check for a model activated elsewhere this often (a safety net for lost bus messages). */
  modelPollMs: number;
  /** Window of the "top N %" histogram (a visitor counts for one to two windows after their last score). */
  rankWindowMs: number;
  /** Campaign band reports (positive-lift mode) are recomputed this often. */
  bandRefreshMs: number;
}

const num = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got "${raw}"`);
  return n;
};

/** Reads the scoring configuration: defaults, overridden by BECKON_MODEL_* environment variables. */
export function loadScoringConfig(env: NodeJS.ProcessEnv = process.env): ScoringConfig {
  return {
    minSessions: num(env, 'BECKON_MODEL_MIN_SESSIONS', 1000),
    minPurchases: num(env, 'BECKON_MODEL_MIN_PURCHASES', 50),
    trainEveryHours: num(env, 'BECKON_MODEL_TRAIN_EVERY_HOURS', 24),
    scheduleCheckMs: num(env, 'BECKON_MODEL_SCHEDULE_CHECK_MS', 15 * 60_000),
    maxTrainingRows: num(env, 'BECKON_MODEL_MAX_TRAINING_ROWS', 200_000),
    statsWindowDays: num(env, 'BECKON_MODEL_STATS_DAYS', 28),
    statsReloadMs: num(env, 'BECKON_MODEL_STATS_RELOAD_MS', 10 * 60_000),
    recordFlushMs: num(env, 'BECKON_MODEL_RECORD_FLUSH_MS', 2000),
    sessionIdleMs: num(env, 'BECKON_SESSION_IDLE_MS', 30 * 60_000),
    sweepMs: num(env, 'BECKON_MODEL_SWEEP_MS', 60_000),
    modelPollMs: num(env, 'BECKON_MODEL_POLL_MS', 60_000),
    rankWindowMs: num(env, 'BECKON_MODEL_RANK_WINDOW_MS', 30 * 60_000),
    bandRefreshMs: num(env, 'BECKON_MODEL_BAND_REFRESH_MS', 10 * 60_000),
  };
}
