import { envInteger } from '../config-integer.ts';
import type { SlaJobOptions } from './sla-job.ts';

/** How the SLA breach job runs (`BECKON_SLA_*`, see docs/configuration.md). */
export interface SlaConfig extends Omit<SlaJobOptions, 'clock'> {
  /** Run the job on this node (`BECKON_SLA=0` turns it off, e.g. on nodes that only serve). */
  enabled: boolean;
}

/** The SLA settings from the environment; a bad value stops the start with its name. */
export function loadSlaConfig(env: NodeJS.ProcessEnv): SlaConfig {
  const read = (name: string, fallback: number, min: number, max: number) =>
    envInteger(env, name, fallback, min, max);
  return {
    enabled: env.BECKON_SLA !== '0',
    everyMs: read('BECKON_SLA_EVERY_MS', 15_000, 100, 3_600_000),
    pollMs: read('BECKON_SLA_POLL_MS', 5_000, 50, 3_600_000),
  };
}
