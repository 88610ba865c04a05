import { ListOf } from '@beckon/protocol/api';
import {
  WebhookCreateInput,
  WebhookDelivery,
  WebhookDeliveryListQuery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookNotice,
  WebhookReplayInput,
  WebhookReplayResult,
  WebhookRotateInput,
  WebhookUpdateInput,
} from '@beckon/protocol/webhooks-api';
import Type from 'typebox';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { checkConfiguredUrl } from '../egress/configured-url.ts';
import type { Egress } from '../egress/egress.ts';
import { AppError } from '../errors.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

const DAY_MS = 86_400_000;
const DeliveryParams = Type.Object({ id: IdParams.properties.id, deliveryId: IdParams.properties.id });

/** A URL deliveries can go to: http(s), and not a private address unless allowed (see `checkConfiguredUrl`). */
async function checkUrl(raw: string, egress: Egress, kind: string | undefined): Promise<void> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError(400, 'invalid_webhook', '/url: not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AppError(400, 'invalid_webhook', '/url: must be http or https');
  if (url.username || url.password)
    throw new AppError(400, 'invalid_webhook', '/url: must not hold a user or password');
  if (kind === 'slack' && url.protocol !== 'https:' && !egress.policy.allowPrivate)
    throw new AppError(400, 'invalid_webhook', '/url: a Slack incoming webhook is https');
  await checkConfiguredUrl(egress, raw, '/url');
}

/**
 * Webhook endpoints (signed Standard Webhooks receivers and Slack incoming webhooks), their
 * delivery log and replays: owners and admins only, every row the caller's account's.
 */
export function webhooksRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['webhooks'];

  app.get(
    '/api/v1/webhooks',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'List webhook endpoints',
        response: replies(200, ListOf(WebhookEndpoint)),
      },
    },
    async (req) => ({ items: await store.webhooks.list(authOf(req).accountId) }),
  );

  app.post(
    '/api/v1/webhooks',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Add a webhook endpoint',
        description:
          'Answers the endpoint with its signing secret (`whsec_…`), shown this once. `kind: "slack"` ' +
          'posts Slack-formatted notices to an incoming-webhook URL instead of signed events.',
        body: WebhookCreateInput,
        response: replies(201, WebhookEndpointWithSecret),
      },
    },
    async (req, reply) => {
      await checkUrl(req.body.url, ctx.egress, req.body.kind);
      const created = await store.webhooks.create(authOf(req).accountId, req.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/webhooks/notice',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Endpoints disabled for failing',
        response: replies(200, WebhookNotice),
      },
    },
    async (req) => ({
      disabled: (await store.webhooks.disabledByFailures(authOf(req).accountId)).map((e) => ({
        id: e.id,
        url: e.url,
        disabledAt: e.disabled_at === null ? null : new Date(Number(e.disabled_at)).toISOString(),
      })),
    }),
  );

  app.get(
    '/api/v1/webhooks/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'One webhook endpoint',
        params: IdParams,
        response: replies(200, WebhookEndpoint),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      await store.webhooks.row(accountId, req.params.id);
      return (await store.webhooks.list(accountId)).find((e) => e.id === req.params.id)!;
    },
  );

  app.patch(
    '/api/v1/webhooks/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Change an endpoint (URL, events, enabled)',
        description: 'Enabling an endpoint that was disabled for failing clears its failures.',
        params: IdParams,
        body: WebhookUpdateInput,
        response: replies(200, WebhookEndpoint),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      if (req.body.url !== undefined) {
        const current = await store.webhooks.row(accountId, req.params.id);
        await checkUrl(req.body.url, ctx.egress, current.kind);
      }
      return store.webhooks.update(accountId, req.params.id, req.body);
    },
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delete an endpoint and its deliveries',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      await store.webhooks.remove(authOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/webhooks/:id/rotate',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Rotate the signing secret',
        description:
          'A new secret, shown this once. During the overlap (default 24 h) each delivery carries ' +
          'two `v1,` signatures, the new one first, so receivers can switch without losing events.',
        params: IdParams,
        body: Type.Optional(WebhookRotateInput),
        response: replies(200, WebhookEndpointWithSecret),
      },
    },
    async (req) => {
      const overlap = (req.body?.overlapSeconds ?? DAY_MS / 1000) * 1000;
      return store.webhooks.rotate(authOf(req).accountId, req.params.id, overlap);
    },
  );

  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delivery log, newest first',
        params: IdParams,
        querystring: WebhookDeliveryListQuery,
        response: replies(200, ListOf(WebhookDelivery)),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      await store.webhooks.row(accountId, req.params.id);
      return { items: await store.webhooks.deliveries(accountId, req.params.id, req.query) };
    },
  );

  app.post(
    '/api/v1/webhooks/:id/deliveries/:deliveryId/replay',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Send one delivery again',
        description: 'Same `webhook-id`, fresh timestamp and signature. 409 while it is still on its way.',
        params: DeliveryParams,
        response: replies(200, WebhookDelivery),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      await store.webhooks.row(accountId, req.params.id);
      return store.webhooks.replay(accountId, req.params.id, req.params.deliveryId);
    },
  );

  app.post(
    '/api/v1/webhooks/:id/replay',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Send every settled delivery since a time again',
        params: IdParams,
        body: WebhookReplayInput,
        response: replies(200, WebhookReplayResult),
      },
    },
    async (req) => {
      const since = Date.parse(req.body.since);
      if (!Number.isFinite(since)) throw new AppError(400, 'invalid_since', '/since: not a time');
      return { queued: await store.webhooks.replaySince(authOf(req).accountId, req.params.id, since) };
    },
  );
}
