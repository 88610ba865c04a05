import type { KeyObject } from 'node:crypto';
import http2, { type ClientHttp2Session } from 'node:http2';
import type { Egress } from '../../egress/egress.ts';
import { privateKeyOf, signJwt } from './push-jwt.ts';
import {
  asPushError,
  campaignData,
  collapseIdOf,
  type DeviceToken,
  PushError,
  type PushNotification,
  type PushReport,
  type PushSender,
  worseFailure,
} from './push-sender.ts';

/**
 * Apple Push Notification service, token-based. An ES256 JWT signed with the site's .p8 key (key
 * id and team id) authenticates `POST {base}/3/device/{token}` over one HTTP/2 connection. Apple
 * refuses a provider token refreshed more than once in 20 minutes and expires it after an hour:
 * it is kept for 50 minutes. 410 Unregistered and 400 BadDeviceToken or DeviceTokenNotForTopic
 * mean the device token is dead.
 */

const TOKEN_LIFETIME_MS = 50 * 60_000;
const DEAD_REASONS = new Set(['BadDeviceToken', 'Unregistered', 'DeviceTokenNotForTopic']);
const AUTH_REASONS = new Set(['InvalidProviderToken', 'ExpiredProviderToken', 'MissingProviderToken']);

/** What a site sets for APNs. */
export interface ApnsCredentials {
  /** The .p8 file's text (a PKCS#8 EC P-256 key). */
  key: string;
  keyId: string;
  teamId: string;
  /** The app's bundle id, sent as `apns-topic`. */
  bundleId: string;
  /** `sandbox` for development builds of the app. */
  environment: 'production' | 'sandbox';
}

/** Checks APNs credentials; throws an error that says what is wrong. */
export function checkApnsCredentials(c: ApnsCredentials): void {
  const key = privateKeyOf(c.key, 'the APNs key');
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new Error('the APNs key is not a P-256 (.p8) key');
}

export interface ApnsSenderOptions {
  credentials: ApnsCredentials;
  /** `https://api.push.apple.com` (or the sandbox's) in production. */
  baseUrl: string;
  timeoutMs: number;
  /** `BECKON_APNS_BASE_URL` is configured: the connection is made through the egress. */
  egress: Egress;
  now?: () => number;
}

interface Answer {
  status: number;
  reason: string | null;
}

export class ApnsSender implements PushSender {
  readonly kind = 'apns';
  private readonly key: KeyObject;
  private jwt: { value: string; madeAt: number } | null = null;
  private session: Promise<ClientHttp2Session> | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: ApnsSenderOptions) {
    this.key = privateKeyOf(opts.credentials.key, 'the APNs key');
    this.now = opts.now ?? Date.now;
  }

  async send(devices: DeviceToken[], n: PushNotification): Promise<PushReport> {
    const report: PushReport = { delivered: 0, deadTokens: [], error: null };
    const body = JSON.stringify({
      aps: { alert: { title: n.title, body: n.body }, sound: 'default', 'thread-id': n.conversationId },
      conversationId: n.conversationId,
      seq: n.seq,
      siteId: n.siteId,
      ...(n.userId ? { userId: n.userId } : {}),
      ...campaignData(n),
    });
    for (const device of devices) {
      try {
        const outcome = await this.sendOne(device.token, body, collapseIdOf(n));
        if (outcome === 'dead') report.deadTokens.push(device.token);
        else report.delivered++;
      } catch (err) {
        report.error = worseFailure(report.error, asPushError(err));
        if (!report.error.retryable) break;
      }
    }
    return report;
  }

  close(): void {
    void this.session?.then((s) => s.close()).catch(() => {});
    this.session = null;
  }

  private async sendOne(
    token: string,
    body: string,
    collapseId: string | undefined,
    retried = false,
  ): Promise<'sent' | 'dead'> {
    const answer = await this.post(token, body, collapseId);
    if (answer.status === 200) return 'sent';
    const reason = answer.reason ?? `HTTP ${answer.status}`;
    if (answer.status === 410 || (answer.status === 400 && DEAD_REASONS.has(reason))) return 'dead';
    if (answer.status === 403 && AUTH_REASONS.has(reason)) {
      this.jwt = null;
      if (reason === 'ExpiredProviderToken' && !retried) return this.sendOne(token, body, collapseId, true);
      throw new PushError('apns_auth_failed', `APNs refused the key: ${reason}`, false);
    }
    throw new PushError(
      `apns_http_${answer.status}`,
      `APNs answered ${answer.status}: ${reason}`,
      answer.status === 429 || answer.status >= 500,
    );
  }

  private providerToken(): string {
    if (this.jwt && this.now() - this.jwt.madeAt < TOKEN_LIFETIME_MS) return this.jwt.value;
    const { keyId, teamId } = this.opts.credentials;
    const value = signJwt('ES256', this.key, { iss: teamId, iat: Math.floor(this.now() / 1000) }, keyId);
    this.jwt = { value, madeAt: this.now() };
    return value;
  }

  /** The open HTTP/2 connection, or a new one; a failed or closed one is forgotten. */
  private connection(): Promise<ClientHttp2Session> {
    if (this.session) return this.session;
    const made = this.opts.egress.http2(this.opts.baseUrl, this.opts.timeoutMs).then((session) => {
      const forget = () => {
        if (this.session === made) this.session = null;
      };
      session.on('error', forget);
      session.on('close', forget);
      session.on('goaway', forget);
      // An idle connection must not keep the process alive.
      session.unref();
      return session;
    });
    made.catch(() => {
      if (this.session === made) this.session = null;
    });
    this.session = made;
    return made;
  }

  private async post(token: string, body: string, collapseId: string | undefined): Promise<Answer> {
    const session = await this.connection();
    return new Promise((resolve, reject) => {
      const req = session.request({
        ':method': 'POST',
        ':path': `/3/device/${encodeURIComponent(token)}`,
        authorization: `bearer ${this.providerToken()}`,
        'apns-topic': this.opts.credentials.bundleId,
        'apns-push-type': 'alert',
        'apns-priority': '10',
        ...(collapseId ? { 'apns-collapse-id': collapseId } : {}),
        'content-type': 'application/json',
      });
      let status = 0;
      const chunks: Buffer[] = [];
      // The whole request has left: APNs may have taken the notification, whatever happens to
      // the stream next. A stream APNs refused (REFUSED_STREAM)
      // was never processed (RFC 9113, 8.7).
      let sent = false;
      let settled = false;
      const fail = (code: string, message: string) => {
        if (settled) return;
        settled = true;
        const mayHaveArrived = sent && req.rstCode !== http2.constants.NGHTTP2_REFUSED_STREAM;
        reject(new PushError(code, message, true, mayHaveArrived));
      };
      req.setTimeout(this.opts.timeoutMs, () => {
        req.close(http2.constants.NGHTTP2_CANCEL);
        fail('apns_timeout', `APNs did not answer within ${this.opts.timeoutMs} ms`);
      });
      req.on('response', (headers) => {
        status = Number(headers[':status']);
      });
      req.on('data', (c: Buffer) => chunks.push(c));
      const reset = () =>
        fail('apns_reset', `APNs closed the request before answering (HTTP/2 code ${req.rstCode})`);
      req.on('end', () => {
        // A stream reset without an error (CANCEL, NO_ERROR) ends it without an answer.
        if (status === 0) return reset();
        if (settled) return;
        settled = true;
        let reason: string | null = null;
        try {
          reason = (JSON.parse(Buffer.concat(chunks).toString()) as { reason?: string }).reason ?? null;
        } catch {}
        resolve({ status, reason });
      });
      req.on('error', (err) => fail('push_unreachable', `the push service is unreachable: ${err.message}`));
      req.on('close', reset);
      req.end(body, () => {
        sent = true;
      });
    });
  }
}
