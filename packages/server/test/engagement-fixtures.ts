import assert from 'node:assert/strict';
import type { CampaignInput, Device } from '@beckon/protocol';
import { VisitorClient, type VisitorClientOptions } from '@beckon/sdk/index';
import { analyticsOf } from '../src/analytics/analytics-runtime.ts';
import { engagementOf } from '../src/engagement/engagement-runtime.ts';
import { ApiClient } from './helpers/api-client.ts';
import type { TestServer } from './helpers/test-server.ts';

/** Reads one sample from the node's Prometheus text (0 when absent). */
export async function metric(
  srv: TestServer,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = (await srv.node.ctx.metrics.registry.metrics()) as string;
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const inner = m[2] ?? '';
    if (want.every((w) => inner.includes(w))) return Number(m[3]);
  }
  return 0;
}

/** A fresh account with one site and an API-key client (an admin) for its REST API. */
export async function newTenant(srv: TestServer, allowedOrigins: string[] = [], timeZone = 'UTC') {
  const { store } = srv.node.ctx;
  const account = await store.accounts.create(`Tenant ${Math.random().toString(36).slice(2, 7)}`);
  const site = await store.sites.create(account.id, { name: 'Shop', allowedOrigins, timeZone });
  const key = await store.apiKeys.create(account.id, 'tests');
  const api = new ApiClient(srv.node.app);
  api.bearer = key.key;
  return { accountId: account.id, site, api };
}

/** Connects a visitor and says hello; resolves once welcomed. */
export async function visitor(
  srv: TestServer,
  siteKey: string,
  visitorId: string,
  opts: VisitorClientOptions & {
    origin?: string;
    device?: Device;
    url?: string;
    sections?: string[];
    /** Say hello as a tag reconnecting on a page it reported before. */
    resumed?: boolean;
  } = {},
): Promise<VisitorClient> {
  const origin = opts.origin ?? new URL(srv.url).origin;
  const c = await VisitorClient.connect(srv.url, siteKey, origin, opts);
  await c.hello({
    visitorId,
    page: { url: opts.url ?? `${origin}/`, ...(opts.sections ? { sections: opts.sections } : {}) },
    device: opts.device ?? 'desktop',
    ...(opts.resumed ? { resumed: true } : {}),
  });
  return c;
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 3000, stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw last instanceof Error ? last : new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A content-offer campaign body with the given targeting. */
export function contentCampaign(
  name: string,
  targeting: CampaignInput['targeting'],
  extra: Partial<CampaignInput> = {},
): CampaignInput {
  return {
    name,
    status: 'active',
    goal: { type: 'purchase' },
    targeting,
    engagement: {
      type: 'content',
      title: name,
      text: 'An offer',
      ctaLabel: 'Go',
      ctaUrl: 'https://shop.example/offer',
    },
    ...extra,
  };
}

/** Flushes the batched writer so the store shows everything applied so far. */
export const flush = (srv: TestServer) => srv.node.ctx.store.eventsWriter.flush();

/** The node's engagement runtime (tracker, targeting, limits). */
export const runtime = (srv: TestServer) => engagementOf(srv.node.ctx);

/** A campaign's lift report once everything applied so far is stored and rolled up. */
export async function campaignLift(srv: TestServer, api: ApiClient, campaignId: string) {
  await flush(srv);
  await analyticsOf(srv.node.ctx).job.catchUp();
  const res = await api.get(`/api/v1/reports/campaigns/${campaignId}/lift`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.lift;
}
