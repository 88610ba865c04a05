import type { Egress } from '../../egress/egress.ts';
import type { Logger } from '../../logger.ts';
import type { SitePushSettings } from '../../store/app-push-repo.ts';
import type { Store } from '../../store/store.ts';
import { type ApnsCredentials, ApnsSender } from './apns-sender.ts';
import { FcmSender, parseServiceAccount } from './fcm-sender.ts';
import { apnsBaseUrl, type PushConfig } from './push-config.ts';
import {
  asPushError,
  type PushError,
  type PushNotification,
  type PushSender,
  worseFailure,
} from './push-sender.ts';
import { WebhookPushSender } from './webhook-push-sender.ts';

/** What one push to a user did, over every provider the site set. */
export interface DispatchResult {
  delivered: number;
  /** The first failure (or a later one that may have reached its provider: `worseFailure`), or null. */
  error: PushError | null;
  /** No provider is set for the site, or the user has no device (and no webhook is set). */
  skipped: boolean;
}

/**
 * Sends a notification to a user's devices with the site's push settings: FCM tokens through
 * FCM, APNs tokens through APNs, and everything to the webhook when one is set. Dead tokens are
 * dropped; the outcome is written to the site's settings, where the console shows the last error.
 * Senders are kept per site (their OAuth token, their HTTP/2 connection) until the settings change.
 */
export class PushDispatcher {
  private readonly senders = new Map<string, { version: number; list: PushSender[] }>();

  constructor(
    private readonly store: Store,
    private readonly config: PushConfig,
    private readonly log: Logger,
    private readonly egress: Egress,
  ) {}

  async push(
    accountId: string,
    siteId: string,
    contactId: string,
    notification: PushNotification,
  ): Promise<DispatchResult> {
    const settings = await this.store.appPush.settings(accountId, siteId);
    const devices = await this.store.appPush.devicesOf(accountId, siteId, contactId);
    const senders = settings ? this.sendersOf(siteId, settings) : [];
    const result: DispatchResult = { delivered: 0, error: null, skipped: true };
    for (const sender of senders) {
      const mine = sender.kind === 'webhook' ? devices : devices.filter((d) => d.platform === sender.kind);
      if (mine.length === 0 && sender.kind !== 'webhook') continue;
      result.skipped = false;
      const report = await sender.send(mine, notification).catch((err) => ({
        delivered: 0,
        deadTokens: [],
        error: asPushError(err),
      }));
      result.delivered += report.delivered;
      await this.store.appPush.dropDevices(accountId, siteId, report.deadTokens);
      if (report.error) {
        result.error = worseFailure(result.error, report.error);
        this.log.warn({ siteId, provider: sender.kind, code: report.error.code }, 'push failed');
        await this.store.appPush.recordOutcome(accountId, siteId, {
          ok: false,
          provider: sender.kind,
          code: report.error.code,
          message: report.error.message,
        });
      } else if (report.delivered > 0) {
        await this.store.appPush.recordOutcome(accountId, siteId, { ok: true });
      }
    }
    return result;
  }

  close(): void {
    for (const { list } of this.senders.values()) for (const s of list) s.close();
    this.senders.clear();
  }

  /** The site's senders, made anew when its settings changed. Broken credentials make no sender. */
  private sendersOf(siteId: string, settings: SitePushSettings): PushSender[] {
    const cached = this.senders.get(siteId);
    if (cached?.version === settings.updated_at) return cached.list;
    for (const s of cached?.list ?? []) s.close();
    const list: PushSender[] = [];
    const { egress } = this;
    const timeoutMs = this.config.timeoutMs;
    try {
      if (settings.fcm_service_account) {
        const account = parseServiceAccount(settings.fcm_service_account);
        list.push(new FcmSender({ account, baseUrl: this.config.fcmBaseUrl, timeoutMs, egress }));
      }
      if (settings.apns) {
        const credentials = JSON.parse(settings.apns) as ApnsCredentials;
        const baseUrl = apnsBaseUrl(this.config, credentials.environment);
        list.push(new ApnsSender({ credentials, baseUrl, timeoutMs, egress }));
      }
    } catch (err) {
      // Checked when saved; a key that no longer parses is reported by the push that needed it.
      this.log.warn({ err, siteId }, 'push credentials unusable');
    }
    if (settings.webhook_url && settings.webhook_secret) {
      list.push(
        new WebhookPushSender({
          url: settings.webhook_url,
          secret: settings.webhook_secret,
          timeoutMs,
          egress,
        }),
      );
    }
    this.senders.set(siteId, { version: settings.updated_at, list });
    return list;
  }
}
