import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { HookRequest } from './connector.ts';

/**
 * Meta's webhook proofs, shared by every Graph API product (WhatsApp, Messenger, Instagram): the
 * subscription handshake answers `hub.challenge` for the connection's verify token, and each
 * delivery carries `X-Hub-Signature-256`, the HMAC-SHA256 of the raw body keyed by the app secret.
 */

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Meta subscribes with `hub.mode=subscribe` and our verify token: the challenge to echo, or null for 403. */
export function metaHandshake(conn: ChannelConnection, hook: HookRequest): string | null {
  const { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge } = hook.query;
  if (mode !== 'subscribe' || !token || challenge === undefined) return null;
  return sameText(token, conn.config.verifyToken ?? '') ? challenge : null;
}

/**
 * Whether `header` (X-Hub-Signature-256) is `sha256=` and the HMAC-SHA256 of the raw body keyed by
 * the app secret, compared in constant time; a missing or malformed header is false.
 */
export function validSignature(appSecret: string, raw: Buffer, header: unknown): boolean {
  if (typeof header !== 'string' || !appSecret) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'));
}

/** Whether a delivery to a Meta connection is signed with the connection's app secret. */
export const metaAuthentic = (conn: ChannelConnection, hook: HookRequest): boolean =>
  validSignature(conn.config.appSecret ?? '', hook.raw, hook.headers['x-hub-signature-256']);

/** A provider timestamp as epoch ms (seconds or ms, as `unit` says), never in the future. */
export function receivedAt(ts: string | number | undefined, now: number, unit: 's' | 'ms' = 's'): number {
  const n = Number(ts);
  if (!Number.isFinite(n) || n <= 0) return now;
  return Math.min(now, unit === 's' ? n * 1000 : n);
}
