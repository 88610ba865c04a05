import {
  type Conversion,
  ConversionInput,
  ConversionList,
  ConversionQuery,
  ConversionRecorded,
} from '@beckon/protocol/conversions-api';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { parseSources, type StoredConversion } from '../store/conversions-repo.ts';
import { replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { REPORT_READERS } from './reports-routes.ts';
import { recordServerOrder } from './server-orders.ts';

/** A stored conversion as the API shows it. */
export function toConversion(r: StoredConversion & { campaign_id?: string | null }): Conversion {
  return {
    id: r.id,
    siteId: r.site_id,
    kind: r.kind,
    goalName: r.goal_name,
    orderId: r.order_id,
    value: Number(r.revenue),
    currency: r.currency,
    occurredAt: new Date(Number(r.ts)).toISOString(),
    visitorId: r.visitor_id === '' ? null : r.visitor_id,
    attributed: Number(r.unattributed) === 0,
    sources: parseSources(r.sources),
    campaignId: r.campaign_id ?? null,
  };
}

/**
 * Server-side conversions: an order the shop's server reports (an API key, or an admin), counted
 * once per order id with the tag's purchase; and the list of conversions with who saw each.
 */
export function conversionsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const log = ctx.logger.child({ component: 'conversions' });
  const tags = ['conversions'];

  app.post(
    '/api/v1/conversions',
    {
      onRequest: requireRole(store, ADMINS),
      schema: {
        tags,
        security,
        summary: 'Record an order from your server',
        description:
          "Deduplicated by orderId across the account: an order the tag saw too counts once, and says both saw it. Name the visit with `visitorId` (what `beckon('visitorId')` gave the page), or the contact with `userId`, `email` or `phone` (E.164, as the SMS and WhatsApp channels keep numbers); an order with none of them, or an unknown one, is stored as unattributed.",
        body: ConversionInput,
        response: { ...replies(201, ConversionRecorded), 200: ConversionRecorded },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const result = await recordServerOrder(
        { store, bus: ctx.bus, log },
        {
          accountId: authOf(req).accountId,
          source: 'api',
          orderId: b.orderId,
          value: b.value,
          currency: b.currency,
          occurredAt: b.occurredAt === undefined ? undefined : Date.parse(b.occurredAt),
          visitorId: b.visitorId,
          email: b.email,
          userId: b.userId,
          phone: b.phone,
          siteId: b.siteId,
        },
      );
      return reply
        .code(result.duplicate ? 200 : 201)
        .send({ conversion: toConversion(result.conversion), duplicate: result.duplicate });
    },
  );

  app.get(
    '/api/v1/conversions',
    {
      onRequest: requireRole(store, REPORT_READERS),
      schema: {
        tags,
        security,
        summary: 'List conversions, newest first',
        description:
          'Each with the sources that saw it (tag, api, shopify, woocommerce) and whether a visit is known.',
        querystring: ConversionQuery,
        response: replies(200, ConversionList),
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await store.conversions.list(authOf(req).accountId, {
        siteId: q.siteId,
        source: q.source,
        attributed: q.attributed === undefined ? undefined : q.attributed === 'true',
        before: q.before ? Date.parse(q.before) : undefined,
        limit,
      });
      const last = rows.at(-1);
      return {
        items: rows.map(toConversion),
        next: rows.length === limit && last ? new Date(Number(last.ts)).toISOString() : null,
      };
    },
  );
}
