import type { BatchFrame } from '@beckon/protocol';

/** What a page-hide beacon carries. */
export interface BeaconBody {
  visitorId: string;
  sessionId?: string;
  batch: BatchFrame;
}

export interface BeaconOptions {
  origin?: string;
  headers?: Record<string, string>;
}

/** Posts a batch to `/t/collect` the way `navigator.sendBeacon` does (text/plain JSON); resolves to the status. */
export async function sendBeacon(
  baseUrl: string,
  siteKey: string,
  body: BeaconBody | string,
  opts: BeaconOptions = {},
): Promise<{ status: number; body: string }> {
  const url = new URL('/t/collect', httpUrl(baseUrl));
  url.searchParams.set('siteKey', siteKey);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      ...(opts.origin ? { origin: opts.origin } : {}),
      ...opts.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

/** http(s) URL for a ws(s) or http(s) base URL. */
export function httpUrl(base: string): string {
  return base.replace(/^ws(s?):/, 'http$1:');
}

/** ws(s) URL for a ws(s) or http(s) base URL. */
export function wsUrl(base: string): string {
  return base.replace(/^http(s?):/, 'ws$1:');
}
