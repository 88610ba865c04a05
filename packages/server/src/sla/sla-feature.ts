import { SlaBreachesQuery, SlaBreachList } from '@beckon/protocol/sla-api';
import { ALL_ROLES, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import { replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { type Announce, SlaJob } from './sla-job.ts';

const jobs = new WeakMap<AppContext, SlaJob>();
const RECENT_MS = 10 * 60_000;

/** The node's SLA job, when it runs one (tests wake it). */
export const slaJobOf = (ctx: AppContext): SlaJob | undefined => jobs.get(ctx);

/** Each new breach, to the consoles of its account on every node (the chat's account topic). */
export const announceBreaches =
  (ctx: AppContext): Announce =>
  (accountId, breaches) => {
    const events = chatOf(ctx)?.events;
    for (const breach of breaches) events?.toAccount(accountId, { t: 'sla.breached', breach });
  };

/**
 * Service levels: the breach feed the console alerts from, and the job that finds breaches.
 * Targets are edited with the skills; the report is in `reports-routes.ts`. Registered in `features.ts`.
 */
export function slaFeature(app: App, ctx: AppContext): void {
  const { store } = ctx;
  app.get(
    '/api/v1/sla/breaches',
    {
      onRequest: requireRole(store, ALL_ROLES),
      schema: {
        tags: ['reports'],
        security,
        summary: 'Recent SLA breaches (agents: of their own conversations)',
        description:
          'Breaches recorded after `since` (default: the last 10 minutes), newest first, at most 50. The console reads it when its socket (re)connects; new breaches then come as `sla_breach` frames on the agent socket.',
        querystring: SlaBreachesQuery,
        response: replies(200, SlaBreachList),
      },
    },
    async (req) => {
      const auth = authOf(req);
      const since = req.query.since ? Date.parse(req.query.since) : Date.now() - RECENT_MS;
      const mine = auth.role === 'agent' ? auth.userId : undefined;
      return { breaches: await store.sla.since(auth.accountId, since, mine) };
    },
  );
  const opts = ctx.config.sla;
  if (!opts.enabled) return;
  const job = new SlaJob(store, ctx.logger.child({ component: 'sla' }), {
    ...opts,
    announce: announceBreaches(ctx),
  });
  jobs.set(ctx, job);
  job.start();
  ctx.onShutdown(() => job.stop());
}
