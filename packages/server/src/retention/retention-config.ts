import { envInteger } from '../config-integer.ts';

/** How one sweep of an account runs. */
export interface SweepOptions {
  /** Rows per batch, each its own transaction (default 1,000). */
  batch: number;
  /** A sweep stops after this long and resumes at its next turn (ms). */
  budgetMs: number;
}

/** How the retention job schedules its sweeps. */
export interface RetentionJobOptions extends SweepOptions {
  /** How often an account is swept (ms; default daily). */
  everyMs: number;
  /** How often due sweeps are looked for (ms). */
  pollMs: number;
  /** The time the job takes as now (tests move it). */
  clock?: () => number;
}

/** How the retention job runs (`BECKON_RETENTION_*`, see docs/configuration.md). */
export interface RetentionConfig extends Omit<RetentionJobOptions, 'clock'> {
  /** Run the job on this node (`BECKON_RETENTION=0` turns it off, e.g. on nodes that only serve). */
  enabled: boolean;
}

const MINUTE = 60_000;

/** The retention settings from the environment; a bad value stops the start with its name. */
export function loadRetentionConfig(env: NodeJS.ProcessEnv): RetentionConfig {
  const read = (name: string, fallback: number, min: number, max: number) =>
    envInteger(env, name, fallback, min, max);
  return {
    enabled: env.BECKON_RETENTION !== '0',
    everyMs: read('BECKON_RETENTION_EVERY_MS', 24 * 60 * MINUTE, 1000, 7 * 24 * 60 * MINUTE),
    pollMs: read('BECKON_RETENTION_POLL_MS', 5 * MINUTE, 100, 24 * 60 * MINUTE),
    batch: read('BECKON_RETENTION_BATCH', 1000, 1, 100_000),
    budgetMs: read('BECKON_RETENTION_BUDGET_MS', 5 * MINUTE, 1000, 60 * MINUTE),
  };
}
