import type { Egress } from './egress.ts';

/** A `fetch` for code written against it (openid-client's `customFetch`, provider clients). */
export type EgressFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Statuses whose Response carries no body. */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * `fetch` through the egress: the same checks and caps as `Egress.request`, the answer read whole
 * (up to `maxBytes`) before it is handed back as a `Response`. Failures are `EgressError`s; one
 * caused by `init.signal`'s timeout is named `TimeoutError`, as `fetch`'s is.
 */
export function egressFetch(
  egress: Egress,
  caps: { timeoutMs: number; maxBytes: number; connectTimeoutMs?: number },
): EgressFetch {
  return async (input, init = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => {
      headers[k] = v;
    });
    let body: string | Uint8Array | undefined;
    const raw = init.body;
    if (typeof raw === 'string') body = raw;
    else if (raw instanceof URLSearchParams) {
      body = raw.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    } else if (raw instanceof Uint8Array) body = raw;
    else if (raw instanceof ArrayBuffer) body = new Uint8Array(raw);
    else if (raw != null) throw new TypeError('egress fetch: unsupported body type');
    const res = await egress.request(input, {
      ...caps,
      method: init.method ?? 'GET',
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: init.redirect ?? 'follow',
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) for (const one of v) out.append(k, one);
      else if (v !== undefined) out.set(k, v);
    }
    const response = new Response(NO_BODY.has(res.status) ? null : res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: out,
    });
    Object.defineProperty(response, 'url', { value: res.url });
    Object.defineProperty(response, 'redirected', { value: res.redirected });
    return response;
  };
}
