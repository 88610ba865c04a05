import { createHmac } from 'node:crypto';

/** The key a `whsec_` secret stands for: the base64 after the prefix. */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/** `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` (Standard Webhooks, symmetric signature). */
export function signature(secret: string, id: string, timestampSec: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestampSec}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * The three Standard Webhooks headers for one attempt. Several secrets (a rotation's overlap)
 * give several signatures, space-separated: a receiver holding either secret accepts.
 */
export function signedHeaders(
  secrets: readonly string[],
  id: string,
  timestampSec: number,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': secrets.map((s) => signature(s, id, timestampSec, body)).join(' '),
  };
}
