import { emailOf } from '../channels/email/email-feature.ts';
import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import type { App } from '../web/types.ts';
import { AutomationActions } from './automation-actions.ts';
import { automationRoutes } from './automation-routes.ts';
import { AutomationWorker } from './automation-worker.ts';
import { IdleSweeper } from './idle-sweeper.ts';

/** The node's automation parts (tests drive them with a clock of their own). */
export interface AutomationModule {
  worker: AutomationWorker;
  idle: IdleSweeper;
  actions: AutomationActions;
}

const modules = new WeakMap<AppContext, AutomationModule>();

export function automationOf(ctx: AppContext): AutomationModule | undefined {
  return modules.get(ctx);
}

/**
 * Automation rules: the REST routes, the worker that evaluates rules on the domain events the
 * store queues for them, and the idle sweeper. Registered in `features.ts` after the chat and the
 * e-mail channel, whose services the actions use.
 */
export async function automationFeature(app: App, ctx: AppContext): Promise<void> {
  automationRoutes(app, ctx);
  const chat = chatOf(ctx);
  if (!chat) throw new Error('automation needs the chat feature');
  const log = ctx.logger.child({ component: 'automation' });
  const actions = new AutomationActions(ctx.store, chat, ctx.config.publicUrl);
  try {
    const email = emailOf(ctx);
    if (email.mailer.configured)
      actions.mail = (to, subject, text) =>
        email.mailer.send({
          from: email.from,
          to,
          subject,
          text,
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
  } catch {
    // No e-mail channel on this node: the e-mail action says so in the run log.
  }
  const worker = new AutomationWorker(ctx.store, actions, log);
  const idle = new IdleSweeper(ctx.store, log);
  modules.set(ctx, { worker, idle, actions });
  worker.start();
  idle.start();
  ctx.onShutdown(async () => {
    idle.stop();
    await worker.stop();
  });
}
