import type { KeyObject } from 'node:crypto';
import type { Egress } from '../../egress/egress.ts';
import type { EgressError } from '../../egress/egress-error.ts';
import { type EgressFetch, egressFetch } from '../../egress/egress-fetch.ts';
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
 * Firebase Cloud Messaging, HTTP v1. The site's service account signs an RS256 JWT, which its
 * `token_uri` exchanges for an OAuth access token (kept until a minute before it expires); each
 * device gets one `POST {base}/v1/projects/{project}/messages:send`. FCM calls a token dead with
 * 404 UNREGISTERED, 400 INVALID_ARGUMENT or 403 SENDER_ID_MISMATCH.
 */

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const DEAD_CODES = new Set(['UNREGISTERED', 'INVALID_ARGUMENT', 'SENDER_ID_MISMATCH', 'NOT_FOUND']);

/** The fields of a Google service-account key file that FCM needs. */
export interface FcmServiceAccount {
  project_id: string;
  private_key_id?: string;
  private_key: string;
  client_email: string;
  token_uri: string;
}

/** Checks a service-account key file (as JSON text); throws an error that says what is wrong. */
export function parseServiceAccount(json: string): FcmServiceAccount {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('the service account is not JSON');
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  for (const field of ['project_id', 'private_key', 'client_email', 'token_uri']) {
    if (typeof v[field] !== 'string' || v[field] === '')
      throw new Error(`the service account has no ${field}`);
  }
  if (!/^https?:\/\//.test(v.token_uri as string))
    throw new Error('the service account token_uri is not a URL');
  if (!/^[a-z0-9-]{1,64}$/i.test(v.project_id as string))
    throw new Error('the service account project_id is malformed');
  privateKeyOf(v.private_key as string, 'the service account private_key');
  return {
    project_id: v.project_id as string,
    private_key: v.private_key as string,
    client_email: v.client_email as string,
    token_uri: v.token_uri as string,
    ...(typeof v.private_key_id === 'string' ? { private_key_id: v.private_key_id } : {}),
  };
}

export interface FcmSenderOptions {
  account: FcmServiceAccount;
  /** `https://fcm.googleapis.com` in production. */
  baseUrl: string;
  timeoutMs: number;
  /** The base URL and the service account's `token_uri` are configured: both are reached through the egress. */
  egress: Egress;
  now?: () => number;
}

interface FcmErrorBody {
  error?: { status?: string; message?: string; details?: { errorCode?: string }[] };
}

export class FcmSender implements PushSender {
  readonly kind = 'fcm';
  private readonly key: KeyObject;
  private accessToken: { value: string; expiresAt: number } | null = null;
  private tokenRequest: Promise<string> | null = null;
  private readonly now: () => number;
  private readonly fetch: EgressFetch;

  constructor(private readonly opts: FcmSenderOptions) {
    this.key = privateKeyOf(opts.account.private_key, 'the service account private_key');
    this.now = opts.now ?? Date.now;
    this.fetch = egressFetch(opts.egress, { timeoutMs: opts.timeoutMs, maxBytes: 64 * 1024 });
  }

  async send(devices: DeviceToken[], n: PushNotification): Promise<PushReport> {
    const report: PushReport = { delivered: 0, deadTokens: [], error: null };
    for (const device of devices) {
      try {
        const outcome = await this.sendOne(device.token, n);
        if (outcome === 'dead') report.deadTokens.push(device.token);
        else report.delivered++;
      } catch (err) {
        report.error = worseFailure(report.error, asPushError(err));
        // Wrong credentials fail every device alike: stop at the first.
        if (!report.error.retryable) break;
      }
    }
    return report;
  }

  close(): void {
    this.accessToken = null;
  }

  private async sendOne(token: string, n: PushNotification, retried = false): Promise<'sent' | 'dead'> {
    const access = await this.token();
    const collapseId = collapseIdOf(n);
    const res = await this.fetch(
      `${this.opts.baseUrl.replace(/\/+$/, '')}/v1/projects/${this.opts.account.project_id}/messages:send`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          message: {
            token,
            notification: { title: n.title, body: n.body },
            // FCM data values must be strings.
            data: {
              conversationId: n.conversationId,
              seq: String(n.seq),
              siteId: n.siteId,
              ...(n.userId ? { userId: n.userId } : {}),
              ...campaignData(n),
            },
            android: {
              collapse_key: n.conversationId,
              ...(collapseId ? { notification: { tag: collapseId } } : {}),
            },
            ...(collapseId ? { apns: { headers: { 'apns-collapse-id': collapseId } } } : {}),
          },
        }),
      },
    );
    if (res.ok) {
      await res.body?.cancel();
      return 'sent';
    }
    const body = (await res.json().catch(() => ({}))) as FcmErrorBody;
    const codes = [body.error?.status, ...(body.error?.details ?? []).map((d) => d.errorCode)];
    const message = body.error?.message ?? res.statusText;
    if (res.status === 401 && !retried) {
      // The access token was revoked or expired early: fetch a new one once.
      this.accessToken = null;
      return this.sendOne(token, n, true);
    }
    if ([400, 403, 404].includes(res.status) && codes.some((c) => c && DEAD_CODES.has(c))) return 'dead';
    if (res.status === 401 || res.status === 403)
      throw new PushError('fcm_auth_failed', `FCM refused the credentials: ${message}`, false);
    throw new PushError(
      `fcm_http_${res.status}`,
      `FCM answered ${res.status}: ${message}`,
      res.status === 429 || res.status >= 500,
    );
  }

  /** The cached access token, or a new one (one request at a time). */
  private token(): Promise<string> {
    if (this.accessToken && this.accessToken.expiresAt - 60_000 > this.now())
      return Promise.resolve(this.accessToken.value);
    this.tokenRequest ??= this.fetchToken().finally(() => {
      this.tokenRequest = null;
    });
    return this.tokenRequest;
  }

  private async fetchToken(): Promise<string> {
    const { account } = this.opts;
    const iat = Math.floor(this.now() / 1000);
    const assertion = signJwt(
      'RS256',
      this.key,
      { iss: account.client_email, scope: SCOPE, aud: account.token_uri, iat, exp: iat + 3600 },
      account.private_key_id,
    );
    let res: Response;
    try {
      res = await this.fetch(account.token_uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
      });
    } catch (err) {
      if ((err as EgressError).code === 'private_address') throw asPushError(err);
      throw new PushError('fcm_auth_unreachable', `the token endpoint is unreachable: ${String(err)}`, true);
    }
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!res.ok || typeof body.access_token !== 'string') {
      const why = body.error_description ?? body.error ?? res.statusText;
      throw new PushError(
        'fcm_auth_failed',
        `the token endpoint refused the service account: ${why}`,
        res.status >= 500,
      );
    }
    this.accessToken = { value: body.access_token, expiresAt: this.now() + (body.expires_in ?? 3600) * 1000 };
    return body.access_token;
  }
}
