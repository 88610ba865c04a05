import { AutomationWebhookPayload } from '@beckon/protocol/automation-api';
import { WEBHOOK_EVENT_SUMMARIES, WEBHOOK_EVENT_TYPES, WebhookEnvelope } from '@beckon/protocol/webhooks-api';
import type { TSchema } from 'typebox';

const header = (description: string) => ({ required: true, schema: { type: 'string' }, description });

/**
 * The OpenAPI 3.1 `webhooks` section: one POST per event type, its body the event's envelope
 * schema from the protocol package, with the Standard Webhooks headers; and `automation.fired`,
 * which an automation rule's `send_webhook` action posts to the endpoint it names.
 */
export function webhookDocs(): Record<string, unknown> {
  return {
    ...Object.fromEntries(
      WEBHOOK_EVENT_TYPES.map((type) => [type, entry(WEBHOOK_EVENT_SUMMARIES[type], WebhookEnvelope(type))]),
    ),
    'automation.fired': entry('An automation rule’s webhook action fired.', AutomationWebhookPayload),
  };
}

function entry(summary: string, schema: TSchema) {
  return {
    post: {
      summary,
      tags: ['webhooks'],
      parameters: [
        {
          name: 'webhook-id',
          in: 'header',
          ...header('The event id; the same on every retry and replay.'),
        },
        {
          name: 'webhook-timestamp',
          in: 'header',
          ...header('Seconds since the epoch, at this attempt.'),
        },
        {
          name: 'webhook-signature',
          in: 'header',
          ...header('Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per live secret.'),
        },
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: JSON.parse(JSON.stringify(schema)) } },
      },
      responses: { '2XX': { description: 'Received. Any other answer, or none in time, is retried.' } },
    },
  };
}
