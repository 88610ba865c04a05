import type { Store } from '../store/store.ts';
import { slackSlaBody } from './slack-message.ts';

/** A conversation that missed a service level: which one, and which target it missed. */
export interface SlaBreach {
  accountId: string;
  conversationId: string;
  /** A stable name of the target (`first_response`, `resolution`), so one breach posts once. */
  target: string;
  /** What to say, in plain words ("no first reply within 15 min"). */
  what: string;
}

/**
 * `sla.breached`: posts the Slack notice to each of the account's enabled Slack endpoints that
 * asks for SLA breaches, through the webhook queue (retried like any delivery). Once per
 * conversation, target and endpoint: the notice's webhook id is `sla_<conversation>_<target>`.
 * The SLA timers call it; answers how many notices it queued.
 */
export async function slaBreached(store: Store, b: SlaBreach, now = Date.now()): Promise<number> {
  const endpoints = (await store.webhooks.slackEndpoints()).filter(
    (e) => e.accountId === b.accountId && e.slack.slaBreach,
  );
  let queued = 0;
  const id = `sla_${b.conversationId}_${b.target}`.slice(0, 200);
  for (const e of endpoints) {
    const body = slackSlaBody(b.conversationId, b.what);
    if (await store.webhooks.queueOnce(b.accountId, e.id, id, 'sla.breached', body, now)) queued++;
  }
  return queued;
}
