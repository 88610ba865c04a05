import type { EgressResponse } from '../../egress/egress.ts';
import type { EgressError } from '../../egress/egress-error.ts';
import type { EgressRequester } from '../../egress/egress-thread.ts';
import { ChannelSendError } from '../channel.ts';

/** Reads a provider's error message out of its JSON error body. */
export type ErrorReader = (body: unknown) => string | undefined;

/** How provider APIs are reached: through the egress (a connection's `apiBaseUrl` is configured), each call within `timeoutMs`. */
export interface ProviderHttp {
  /** The egress, or its thread (`EgressThread`). */
  egress: EgressRequester;
  timeoutMs: number;
}

/** The most of a provider's JSON answer read. */
const ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * The one HTTP client every provider connector calls (Graph API, Bot API, Twilio): JSON out, JSON or a form in,
 * a timeout, and failures as `ChannelSendError` — a network fault, a timeout, 429 and 5xx are
 * worth trying again; any other 4xx is final, with the provider's own message. A base URL the
 * egress refuses (a private address) is final too. A failure after the whole request left (the
 * connection reset or closed before the answer, no answer in time, a 504 from a gateway that
 * waited for the provider) may have reached the provider: `mayHaveArrived`. One before it (a
 * refused connection, a name that does not resolve, a TLS failure) and any other answer did not.
 */
export async function callProvider<T>(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; form?: Record<string, string> },
  http: ProviderHttp,
  readError: ErrorReader,
): Promise<T> {
  let res: EgressResponse;
  try {
    // The egress's own answer (the body read whole), not a fetch Response built around it: one of
    // these per message a broadcast sends, on the socket thread.
    res = await http.egress.request(url, {
      timeoutMs: http.timeoutMs,
      maxBytes: ANSWER_BYTES,
      method: init.method ?? 'POST',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      // Some providers (Twilio) take form fields, not JSON.
      ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form).toString() }),
    });
  } catch (err) {
    const code = (err as EgressError).code;
    if (code === 'private_address' || code === 'invalid_url')
      throw new ChannelSendError(`the provider's address is refused: ${(err as Error).message}`, false);
    const timedOut = code === 'timeout' || code === 'body_timeout' || code === 'connect_timeout';
    const sent = (err as EgressError).requestSent === true;
    throw new ChannelSendError(
      timedOut
        ? 'the provider did not answer in time'
        : sent
          ? `the connection to the provider broke after the request was sent (${(err as Error).message})`
          : `the provider could not be reached (${(err as Error).message})`,
      true,
      undefined,
      sent,
    );
  }
  const text = res.body.toString('utf8');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const ok = res.status >= 200 && res.status < 300;
  if (ok) return body as T;
  const said = readError(body);
  const reason = `the provider answered ${res.status}${said ? `: ${said}` : ''}`;
  const retryable = res.status === 429 || res.status >= 500;
  throw new ChannelSendError(
    reason.slice(0, 400),
    retryable,
    retryable ? retryAfterMs({ headers: headersOf(res) }, body) : undefined,
    res.status === 504,
  );
}

/**
 * How long the provider asked us to wait: the `Retry-After` header (seconds or an HTTP date), or
 * Telegram's `parameters.retry_after` (seconds) in its error body.
 */
export function retryAfterMs(
  res: { headers: Pick<Headers, 'get'> },
  body: unknown,
  now = Date.now(),
): number | undefined {
  const header = res.headers.get('retry-after')?.trim();
  if (header) {
    if (/^\d+$/.test(header)) return Number(header) * 1000;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const seconds = (body as { parameters?: { retry_after?: unknown } } | undefined)?.parameters?.retry_after;
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : undefined;
}

/** An egress answer's headers as `Response.headers` reads them (by lower-case name, lists joined). */
function headersOf(res: EgressResponse): Pick<Headers, 'get'> {
  return {
    get: (name: string) => {
      const v = res.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
    },
  };
}
