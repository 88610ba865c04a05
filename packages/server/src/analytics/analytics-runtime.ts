import type { AppContext } from '../context.ts';
import { AttributionJob, CONVERSION_RECORDED } from './attribution-job.ts';
import { LiveDashboard } from './live-dashboard.ts';

/** The analytics side of one node: the attribution job and the live dashboard's short cache. */
export interface AnalyticsRuntime {
  job: AttributionJob;
  live: LiveDashboard;
}

const runtimes = new WeakMap<AppContext, AnalyticsRuntime>();

/** The node's analytics runtime, created (job started, stopped on shutdown) on first use. */
export function analyticsOf(ctx: AppContext): AnalyticsRuntime {
  let rt = runtimes.get(ctx);
  if (!rt) {
    const log = ctx.logger.child({ component: 'analytics' });
    const job = new AttributionJob(ctx.store, ctx.bus, log, {
      intervalMs: Number(process.env.BECKON_ATTRIBUTION_POLL_MS) || 250,
    });
    const live = new LiveDashboard(ctx);
    rt = { job, live };
    runtimes.set(ctx, rt);
    job.start();
    // Whichever node recorded it, a conversion shows on every node's dashboards at their next poll.
    const unsubscribe = ctx.bus
      .subscribe(CONVERSION_RECORDED, (m) => {
        const accountId = (m as { accountId?: unknown }).accountId;
        if (typeof accountId === 'string') live.invalidate(accountId);
      })
      .catch((err) => {
        log.warn({ err }, 'live dashboard: conversion feed unavailable');
        return null;
      });
    ctx.onShutdown(async () => {
      await job.stop();
      await (await unsubscribe)?.();
    });
  }
  return rt;
}
