import { createHmac, timingSafeEqual } from 'node:crypto';

/** Twilio's public REST API root; a connection's `apiBaseUrl` replaces it. */
export const TWILIO_API_BASE = 'https://api.twilio.com';

/** A webhook's form fields; a name may repeat. */
export type TwilioParams = [name: string, value: string][];

/** Reads a form-encoded body (Twilio posts `application/x-www-form-urlencoded`). */
export const formOf = (raw: Buffer): TwilioParams => [...new URLSearchParams(raw.toString('utf8'))];

/** The first value of a field. */
export const field = (params: TwilioParams, name: string): string | undefined =>
  params.find(([k]) => k === name)?.[1];

/**
 * Twilio's request signature: the full URL Twilio called, then every POST field sorted by name
 * as name and value run together, HMAC-SHA1 keyed by the auth token, in base64.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const data = url + sorted.map(([k, v]) => k + v).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Whether `header` (X-Twilio-Signature) is the signature of this call, compared in constant time. */
export function validSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
  header: unknown,
): boolean {
  if (typeof header !== 'string' || !authToken) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const got = Buffer.from(header.trim());
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/** The line an agent sees for a customer's SMS or MMS: its body (the MMS files come as attachments). */
export const lineOf = (params: TwilioParams): string => field(params, 'Body') ?? '';

/** An MMS's files, `MediaUrl0..N` with their `MediaContentType0..N` (Twilio sends at most 10). */
export function mediaOf(params: TwilioParams): { url: string; contentType?: string }[] {
  const count = Math.min(10, Math.max(0, Number.parseInt(field(params, 'NumMedia') ?? '0', 10) || 0));
  const files: { url: string; contentType?: string }[] = [];
  for (let n = 0; n < count; n++) {
    const url = field(params, `MediaUrl${n}`);
    if (!url || !/^https?:\/\//.test(url)) continue;
    const type = field(params, `MediaContentType${n}`);
    files.push({ url, ...(type ? { contentType: type } : {}) });
  }
  return files;
}

/** Twilio's error body: `{ code, message, more_info, status }`. */
export const twilioError = (body: unknown): string | undefined => {
  const e = body as { code?: number; message?: string };
  if (!e?.message) return undefined;
  return e.code ? `${e.message} (${e.code})` : e.message;
};
