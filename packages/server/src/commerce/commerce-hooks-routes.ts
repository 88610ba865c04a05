import type { CommercePlatform } from '@beckon/protocol/conversions-api';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { recordServerOrder } from '../analytics/server-orders.ts';
import { loadConnectionsConfig } from '../channels/connections/connections-config.ts';
import type { AppContext } from '../context.ts';
import { KeyedLimiter } from '../conversations/chat-limits.ts';
import { AppError, badRequest, notFound, unauthorized } from '../errors.ts';
import { errors } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import {
  isWooPing,
  type ShopDelivery,
  SIGNATURE_HEADER,
  shopifyDelivery,
  signedBy,
  wooDelivery,
} from './shop-orders.ts';

/** Largest order webhook body: a big order with many lines stays well under it. */
const HOOK_BODY_LIMIT = 2 * 1024 * 1024;

const Params = Type.Object({ id: Type.String({ pattern: '^crx_[A-Za-z0-9_-]{1,60}$' }) });
const Answer = Type.Object({
  ok: Type.Boolean(),
  conversionId: Type.Optional(Type.String()),
  skipped: Type.Optional(Type.String()),
});

const MAPPERS: Record<CommercePlatform, (body: unknown, topic: string | undefined) => ShopDelivery> = {
  shopify: shopifyDelivery,
  woocommerce: wooDelivery,
};
const TOPIC_HEADER: Record<CommercePlatform, string> = {
  shopify: 'x-shopify-topic',
  woocommerce: 'x-wc-webhook-topic',
};

/**
 * Shops' order webhooks at `/hooks/shopify/{id}` and `/hooks/woocommerce/{id}`. The body is read
 * raw: the signature (base64 HMAC-SHA256 with the receiver's secret) is over the exact bytes. A
 * missing or wrong signature is refused with 401 before anything is read or stored.
 */
export async function commerceHooksRoutes(app: App, ctx: AppContext): Promise<void> {
  const log = ctx.logger.child({ component: 'commerce-hooks' });
  const limiter = new KeyedLimiter(loadConnectionsConfig(process.env).hooksPerAddress);

  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    for (const platform of ['shopify', 'woocommerce'] as const) {
      scope.post(
        `/hooks/${platform}/:id`,
        {
          bodyLimit: HOOK_BODY_LIMIT,
          // Shops call these with their own proof (a signature): described in docs/integrations.md.
          schema: {
            hide: true,
            tags: ['conversions'],
            summary: `A ${platform} order webhook, checked by its signature`,
            params: Params,
            response: { 200: Answer, ...errors },
          },
        },
        async (req) => {
          if (!limiter.take(req.ip))
            throw new AppError(429, 'rate_limited', 'too many webhook calls from this address');
          const receiver = await ctx.store.commerceReceivers.forHook(platform, req.params.id);
          if (!receiver) throw notFound('order receiver');
          const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          const signature = req.headers[SIGNATURE_HEADER[platform]];
          if (!signedBy(receiver.secret, raw, typeof signature === 'string' ? signature : undefined)) {
            // Saving a WooCommerce webhook pings the URL unsigned: answered, nothing stored.
            if (platform === 'woocommerce' && signature === undefined && isWooPing(raw)) return { ok: true };
            log.info(
              { receiver: receiver.id, ip: req.ip },
              'order webhook with a missing or wrong signature refused',
            );
            throw unauthorized('the signature is missing or wrong');
          }
          let body: unknown;
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            throw badRequest('the body is not JSON');
          }
          const topic = req.headers[TOPIC_HEADER[platform]];
          const delivery = MAPPERS[platform](body, typeof topic === 'string' ? topic : undefined);
          if ('invalid' in delivery) throw badRequest(delivery.invalid);
          // Anything else (another topic, an unpaid order) is acknowledged so the shop does not retry it.
          if ('skip' in delivery) return { ok: true, skipped: delivery.skip };
          const { conversion } = await recordServerOrder(
            { store: ctx.store, bus: ctx.bus, log },
            { accountId: receiver.account_id, siteId: receiver.site_id, source: platform, ...delivery.order },
          );
          await ctx.store.commerceReceivers.noteOrder(receiver.id);
          return { ok: true, conversionId: conversion.id };
        },
      );
    }
  });
}
