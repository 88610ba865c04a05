import { auditRoutes } from '../audit/audit-routes.ts';
import type { AppContext } from '../context.ts';
import { LocalDiskStorage } from '../conversations/attachments/attachment-storage.ts';
import type { App } from '../web/types.ts';
import { RetentionJob } from './retention-job.ts';
import { retentionRoutes } from './retention-routes.ts';

const jobs = new WeakMap<AppContext, RetentionJob>();

/** The node's retention job, when it runs one (tests wake it). */
export const retentionJobOf = (ctx: AppContext): RetentionJob | undefined => jobs.get(ctx);

/**
 * Data governance: the audit log's routes, each account's retention limits, and the job that
 * applies them. Registered in `features.ts`.
 */
export function governanceFeature(app: App, ctx: AppContext): void {
  auditRoutes(app, ctx);
  retentionRoutes(app, ctx);
  const opts = ctx.config.retention;
  if (!opts.enabled) return;
  const job = new RetentionJob(
    ctx.store,
    new LocalDiskStorage(ctx.config.dataDir),
    ctx.audit,
    ctx.logger.child({ component: 'retention' }),
    opts,
  );
  jobs.set(ctx, job);
  job.start();
  ctx.onShutdown(() => job.stop());
}
