import type { AppContext } from '../context.ts';
import type { App } from '../web/types.ts';
import { SlackWaitingNotices } from './slack-waiting.ts';
import { WebhookDispatcher } from './webhook-dispatcher.ts';
import { webhooksRoutes } from './webhooks-routes.ts';

const dispatchers = new WeakMap<AppContext, WebhookDispatcher>();

/** The node's webhook dispatcher (tests and the benchmark wake or watch it). */
export function webhooksOf(ctx: AppContext): WebhookDispatcher | undefined {
  return dispatchers.get(ctx);
}

/**
 * Outgoing webhooks: the endpoint and delivery-log routes, the dispatcher that works the
 * delivery queue, and the job that posts Slack notices about conversations waiting too long.
 * Registered in `features.ts`.
 */
export async function webhooksFeature(app: App, ctx: AppContext): Promise<void> {
  const opts = ctx.config.webhooks;
  webhooksRoutes(app, ctx);
  const dispatcher = new WebhookDispatcher(
    ctx.store,
    ctx.logger.child({ component: 'webhooks' }),
    opts,
    ctx.egress,
  );
  dispatchers.set(ctx, dispatcher);
  const waiting = new SlackWaitingNotices(ctx.store, ctx.logger.child({ component: 'slack' }));
  dispatcher.start();
  waiting.start();
  ctx.onShutdown(async () => {
    waiting.stop();
    await dispatcher.stop();
  });
}
