import type { SlackOptions, WebhookEvent } from '@beckon/protocol/webhooks-api';

/** Slack's incoming-webhook body: a fallback text and one section block in Slack's markdown. */
export function slackBody(text: string): string {
  return JSON.stringify({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
}

/** Slack's markdown escapes: `&`, `<` and `>` would start entities and links. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The highest score a Slack endpoint calls low unless it says otherwise. */
export const LOW_CSAT_AT = 2;

/** A low rating worth a message, or null for an event this Slack endpoint does not post about. */
export function slackBodyFor(e: WebhookEvent, o: SlackOptions): string | null {
  if (e.type !== 'csat.submitted' || !o.lowCsat) return null;
  const d = e.data as WebhookEvent<'csat.submitted'>['data'];
  if (d.score > (o.lowCsatAt ?? LOW_CSAT_AT)) return null;
  const said = d.comment ? ` — “${esc(d.comment.slice(0, 300))}”` : '';
  return slackBody(`:warning: Low rating *${d.score}/5* on conversation \`${d.conversationId}\`${said}`);
}

/** A conversation that has waited for an agent longer than the endpoint's limit. */
export function slackWaitingBody(conversationId: string, minutes: number, who: string | null): string {
  const from = who ? ` from ${esc(who.slice(0, 80))}` : '';
  return slackBody(
    `:hourglass: A conversation${from} has waited *${minutes} min* for an agent (\`${conversationId}\`)`,
  );
}

/** A conversation that missed its service level (called by the SLA checks). */
export function slackSlaBody(conversationId: string, what: string): string {
  return slackBody(`:rotating_light: SLA breached on \`${conversationId}\`: ${esc(what.slice(0, 300))}`);
}
