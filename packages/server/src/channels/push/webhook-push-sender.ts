import { createHmac } from 'node:crypto';
import type { Egress } from '../../egress/egress.ts';
import {
  asPushError,
  campaignData,
  type DeviceToken,
  PushError,
  type PushNotification,
  type PushReport,
  type PushSender,
} from './push-sender.ts';

/**
 * The site's own push service: one JSON `POST` per reply, carrying the notification and every
 * device token the user registered, so a site that already runs push can deliver it its own way.
 * `x-beckon-signature: t=SECONDS,v1=HEX` is the HMAC-SHA256 of `SECONDS.BODY` with the site's
 * secret: the receiver checks the body and refuses stale replays.
 */

export interface WebhookPushOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  /** The site configured the URL: it is reached through the egress. */
  egress: Egress;
  now?: () => number;
}

/** The signature header's value for a body sent at `seconds`. */
export function webhookSignature(secret: string, seconds: number, body: string): string {
  const hex = createHmac('sha256', secret).update(`${seconds}.${body}`).digest('hex');
  return `t=${seconds},v1=${hex}`;
}

export class WebhookPushSender implements PushSender {
  readonly kind = 'webhook';

  constructor(private readonly opts: WebhookPushOptions) {}

  async send(devices: DeviceToken[], n: PushNotification): Promise<PushReport> {
    const body = JSON.stringify({
      type: 'message.push',
      siteId: n.siteId,
      conversationId: n.conversationId,
      seq: n.seq,
      userId: n.userId,
      ...campaignData(n),
      notification: { title: n.title, body: n.body },
      devices,
    });
    const seconds = Math.floor((this.opts.now ?? Date.now)() / 1000);
    try {
      const res = await this.opts.egress.request(this.opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-beckon-signature': webhookSignature(this.opts.secret, seconds, body),
        },
        body,
        redirect: 'error',
        timeoutMs: this.opts.timeoutMs,
        maxBytes: 1024,
        overflow: 'cut',
      });
      if (res.status < 200 || res.status >= 300) {
        throw new PushError(
          `webhook_http_${res.status}`,
          `the push webhook answered ${res.status}`,
          res.status === 429 || res.status >= 500,
        );
      }
      return { delivered: devices.length, deadTokens: [], error: null };
    } catch (err) {
      return { delivered: 0, deadTokens: [], error: asPushError(err) };
    }
  }

  close(): void {}
}
