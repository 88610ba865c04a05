import { AsyncLocalStorage } from 'node:async_hooks';
import type { WebhookEvent } from '@beckon/protocol/webhooks-api';

/**
 * Which automation rules caused the change being made now, so the events it emits carry them and
 * those rules are not run again on them (loop prevention). Set by the rules' worker around a rule's
 * actions (`withCause`); read by the store when it queues the events.
 */
const automationCause = new AsyncLocalStorage<readonly string[]>();

/** Rules' actions running now, on this node. */
let running = 0;

/**
 * Runs a rule's actions with `chain` as the cause of what they change.
 * - On Node 20, an AsyncLocalStorage in use runs a hook for every promise the process makes: about
 *   a tenth of a webhook delivery's CPU (BENCHMARKS.md, W9). So it is enabled only while actions run.
 * - Work an action leaves behind (a timer, a routing pass after it returned) carries no cause.
 */
export async function withCause<T>(chain: readonly string[], fn: () => Promise<T>): Promise<T> {
  running++;
  try {
    return await automationCause.run(chain, fn);
  } finally {
    if (--running === 0) automationCause.disable();
  }
}

/** The sender id prefix of a message a rule sent; the rules' ids follow, comma-separated. */
export const AUTOMATION_SENDER = 'automation:';

/**
 * The rules behind an event: those of the running action, or those named by the sender of a
 * message a rule sent (messages are written in batches, outside the action's async context).
 */
export function causeOf(e: WebhookEvent): readonly string[] {
  if (e.type === 'message.created') {
    const m = (e.data as WebhookEvent<'message.created'>['data']).message;
    if (m.senderId?.startsWith(AUTOMATION_SENDER))
      return m.senderId.slice(AUTOMATION_SENDER.length).split(',');
  }
  return automationCause.getStore() ?? [];
}
