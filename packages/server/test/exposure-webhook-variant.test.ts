// The exposure.created webhook names the variant the visitor was shown (null for a campaign without variants).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Condition } from '@beckon/protocol';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { contentCampaign, eventually, flush, newTenant, visitor } from './engagement-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';

const ENV = {
  BECKON_WEBHOOKS_ALLOW_PRIVATE: '1',
  BECKON_WEBHOOKS_RETRY_BASE_MS: '40',
  BECKON_WEBHOOKS_RETRY_MAX_MS: '200',
  BECKON_WEBHOOKS_POLL_MS: '50',
};
const anyone: Condition = { all: [{ field: 'cart.items', op: 'lte', value: 0 }] };
const pgSkip = postgresSkipReasonNow();

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`exposure.created names the visitor's variant (${store})`, () => {
    const skip = store === 'postgres' ? (pgSkip ?? false) : false;
    let srv: TestServer;
    let rx: WebhookReceiver;
    let t: Awaited<ReturnType<typeof newTenant>>;
    before(async () => {
      if (skip) return;
      srv = await startTestServer({ store, env: ENV });
      rx = await WebhookReceiver.start();
      t = await newTenant(srv);
      const ep = await t.api.post('/api/v1/webhooks', { url: rx.url, events: ['exposure.created'] });
      assert.equal(ep.status, 201, JSON.stringify(ep.body));
    });
    after(async () => {
      if (skip) return;
      await rx.close();
      await srv.close();
    });

    it('sends the arm stored with the exposure, in the shape the OpenAPI document promises', {
      skip,
    }, async () => {
      const base = contentCampaign('Free shipping', anyone, { priority: 10 });
      const created = await t.api.post('/api/v1/campaigns', {
        ...base,
        engagement: {
          ...base.engagement,
          variants: [
            { key: 'A', weight: 0.5 },
            { key: 'B', weight: 0.5, title: 'Free returns' },
          ],
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const campaignId = created.body.id as string;
      const visitors = ['vw-1', 'vw-2', 'vw-3', 'vw-4'];
      for (const id of visitors) {
        const v = await visitor(srv, t.site.siteKey, id);
        await eventually(() => v.engages.length > 0);
        await v.close();
      }
      await flush(srv);
      const events = await eventually(() => {
        const got = rx.events('exposure.created');
        return got.length >= visitors.length ? got : null;
      });
      const rows = await srv.node.ctx.store.db
        .selectFrom('exposures')
        .select(['id', 'variant'])
        .where('campaign_id', '=', campaignId)
        .execute();
      const stored = new Map(rows.map((r) => [r.id, r.variant]));
      const doc = (await (await fetch(`${srv.url}/api/openapi.json`)).json()) as {
        webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }>;
      };
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(ajv);
      const valid = ajv.compile(
        doc.webhooks['exposure.created']!.post.requestBody.content['application/json']!.schema,
      );
      for (const e of events!) {
        const exposure = e.data.exposure as { id: string; variant: string | null };
        assert.ok(['A', 'B'].includes(exposure.variant ?? ''), JSON.stringify(exposure));
        assert.equal(exposure.variant, stored.get(exposure.id));
        assert.equal(valid(e), true, JSON.stringify(valid.errors));
      }
    });

    it('sends variant null for a campaign without variants', { skip }, async () => {
      await t.api.post('/api/v1/campaigns', contentCampaign('Plain offer', anyone, { priority: 20 }));
      const before = rx.events('exposure.created').length;
      const v = await visitor(srv, t.site.siteKey, 'vw-plain');
      await eventually(() =>
        v.engages.some((e) => (e.engagement as { title?: string }).title === 'Plain offer'),
      );
      await v.close();
      const e = await eventually(() => rx.events('exposure.created')[before] ?? null);
      assert.equal((e.data.exposure as { variant: unknown }).variant, null);
    });
  });
}
