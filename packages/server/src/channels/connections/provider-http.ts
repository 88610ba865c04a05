import { ChannelSendError } from '../channel.ts';

/** Reads a provider's error message out of its JSON error body. */
export type ErrorReader = (body: unknown) => string | undefined;

/**
 * The one HTTP client every provider connector calls (Graph API, Bot API, Twilio): JSON out, JSON or a form in,
 * a timeout, and failures as `ChannelSendError` — a network fault, a timeout, 429 and 5xx are
 * worth trying again; any other 4xx is final, with the provider's own message.
 */
export async function callProvider<T>(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; form?: Record<string, string> },
  timeoutMs: number,
  readError: ErrorReader,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'POST',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      // Some providers (Twilio) take form fields, not JSON.
      ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form).toString() }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = (err as Error)?.name === 'TimeoutError';
    throw new ChannelSendError(
      timedOut
        ? 'the provider did not answer in time'
        : `the provider could not be reached (${(err as Error).message})`,
      true,
    );
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.ok) return body as T;
  const said = readError(body);
  const reason = `the provider answered ${res.status}${said ? `: ${said}` : ''}`;
  const retryable = res.status === 429 || res.status >= 500;
  throw new ChannelSendError(
    reason.slice(0, 400),
    retryable,
    retryable ? retryAfterMs(res, body) : undefined,
  );
}

/**
 * How long the provider asked us to wait: the `Retry-After` header (seconds or an HTTP date), or
 * Telegram's `parameters.retry_after` (seconds) in its error body.
 */
export function retryAfterMs(
  res: Pick<Response, 'headers'>,
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
