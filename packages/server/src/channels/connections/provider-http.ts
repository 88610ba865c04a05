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
  throw new ChannelSendError(reason.slice(0, 400), res.status === 429 || res.status >= 500);
}
