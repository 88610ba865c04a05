import { ListOf } from '@beckon/protocol/api';
import {
  type CommerceReceiver,
  CommerceReceiverCreated,
  CommerceReceiverInput,
  CommerceReceiverSecret,
  CommerceReceiver as ReceiverSchema,
} from '@beckon/protocol/conversions-api';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import { randomToken } from '../ids.ts';
import type { StoredReceiver } from '../store/commerce-receivers-repo.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

/** Shopify and WooCommerce order webhooks into a site: which, where they post, and their secrets. */
export function commerceReceiversRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['conversions'];
  const toReceiver = (r: StoredReceiver): CommerceReceiver => ({
    id: r.id,
    siteId: r.site_id,
    platform: r.platform,
    receiverUrl: `${ctx.config.publicUrl}/hooks/${r.platform}/${r.id}`,
    secretHint: r.secret.slice(-4),
    orders: Number(r.orders),
    lastOrderAt: r.last_order_at === null ? null : new Date(Number(r.last_order_at)).toISOString(),
    createdAt: new Date(Number(r.created_at)).toISOString(),
  });

  app.get(
    '/api/v1/commerce-receivers',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'List order receivers',
        response: replies(200, ListOf(ReceiverSchema)),
      },
    },
    async (req) => ({ items: (await store.commerceReceivers.list(authOf(req).accountId)).map(toReceiver) }),
  );

  app.post(
    '/api/v1/commerce-receivers',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Receive a shop’s orders on a site',
        description:
          'Shopify needs the secret its webhooks are signed with; for WooCommerce, leave it out and paste the one returned into the webhook.',
        body: CommerceReceiverInput,
        response: replies(201, CommerceReceiverCreated),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const b = req.body;
      await store.sites.get(accountId, b.siteId);
      if (b.platform === 'shopify' && !b.secret)
        throw badRequest("secret: Shopify's webhooks are signed with your app's secret; enter it");
      const made = b.secret ? null : `wc_${randomToken(40)}`;
      const r = await store.commerceReceivers.create(accountId, {
        siteId: b.siteId,
        platform: b.platform,
        secret: b.secret ?? made!,
      });
      return reply.code(201).send({ receiver: toReceiver(r), secret: made });
    },
  );

  app.put(
    '/api/v1/commerce-receivers/:id/secret',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Replace a receiver’s secret',
        params: IdParams,
        body: CommerceReceiverSecret,
        response: replies(200, ReceiverSchema),
      },
    },
    async (req) =>
      toReceiver(
        await store.commerceReceivers.setSecret(authOf(req).accountId, req.params.id, req.body.secret),
      ),
  );

  app.delete(
    '/api/v1/commerce-receivers/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Stop receiving a shop’s orders',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      await store.commerceReceivers.delete(authOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
