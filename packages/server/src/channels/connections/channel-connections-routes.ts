import {
  ChannelConnectionCreated,
  ChannelConnectionInput,
  ChannelConnections,
  ChannelConnectionTest,
  type ChannelConnection as ConnectionView,
  InstagramConnectionInput,
  MessengerConnectionInput,
  SmsConnectionInput,
  TelegramConnectionInput,
  WhatsAppConnectionInput,
} from '@beckon/protocol/channel-connections-api';
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { ADMINS, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { checkConfiguredUrl } from '../../egress/configured-url.ts';
import { AppError, notFound } from '../../errors.ts';
import type { ChannelConnection, ConnectionType } from '../../store/channel-connections-repo.ts';
import { IdParams, NoContent, replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';
import { WEBHOOK_UPDATES_KEY } from '../telegram/telegram-connector.ts';
import type { Connector } from './connector.ts';

/** Each provider's body, to name the fault in a body of that type (the union names only the first's). */
const INPUTS: Record<ConnectionType, TSchema> = {
  whatsapp: WhatsAppConnectionInput,
  messenger: MessengerConnectionInput,
  instagram: InstagramConnectionInput,
  telegram: TelegramConnectionInput,
  sms: SmsConnectionInput,
};

/** Fields of a body that are not the provider's credentials. */
const COMMON = new Set(['type', 'name', 'apiBaseUrl', 'defaultSkillId']);

const DEFAULT_NAMES: Record<ConnectionType, string> = {
  whatsapp: 'WhatsApp',
  messenger: 'Messenger',
  instagram: 'Instagram',
  telegram: 'Telegram',
  sms: 'SMS',
};

/** Where a provider sends a connection's webhooks. */
export const webhookUrlOf = (publicUrl: string, c: Pick<ChannelConnection, 'type' | 'id'>) =>
  `${publicUrl}/hooks/${c.type}/${c.id}`;

/**
 * Connections to messaging providers (admins): make one with its credentials and get the webhook
 * URL to give the provider, list them (secrets never leave the server), remove one.
 */
export function channelConnectionsRoutes(
  app: App,
  ctx: AppContext,
  connectors: ReadonlyMap<string, Connector>,
): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['channels'];
  const view = (c: ChannelConnection): ConnectionView => ({
    id: c.id,
    type: c.type,
    name: c.name,
    webhookUrl: webhookUrlOf(ctx.config.publicUrl, c),
    apiBaseUrl: c.apiBaseUrl,
    defaultSkillId: c.defaultSkillId,
    // What the server remembers of the provider's side (Telegram's webhook updates) is no credential.
    credentials: Object.fromEntries(
      Object.entries(c.config)
        .filter(([k]) => k !== WEBHOOK_UPDATES_KEY)
        .map(([k, v]) => [k, Boolean(v)]),
    ),
    createdAt: c.createdAt,
  });

  app.post(
    '/api/v1/channels',
    {
      ...admins,
      // Before the union's check: a Messenger body missing its token is told so, not about WhatsApp's fields.
      preValidation: async (req) => {
        const type = (req.body as { type?: unknown } | null)?.type;
        const schema =
          typeof type === 'string' && Object.hasOwn(INPUTS, type) ? INPUTS[type as ConnectionType] : null;
        const [fault] = schema ? [...Value.Errors(schema, req.body)] : [];
        if (fault) throw new AppError(400, 'invalid_request', `body${fault.instancePath} ${fault.message}`);
      },
      schema: {
        tags,
        security,
        summary:
          'Connect a provider (WhatsApp, Telegram, …) with its credentials; answers the webhook URL to give it',
        body: ChannelConnectionInput,
        response: replies(201, ChannelConnectionCreated),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const body = req.body;
      const connector = connectors.get(body.type);
      if (!connector)
        throw new AppError(
          400,
          'channel_not_available',
          `/type: ${body.type} connections are not available yet`,
        );
      if (body.defaultSkillId) {
        try {
          await store.skills.assertOwned(accountId, [body.defaultSkillId]);
        } catch {
          throw new AppError(400, 'invalid_channel', '/defaultSkillId: no such skill in this account');
        }
      }
      if (body.apiBaseUrl) await checkConfiguredUrl(ctx.egress, body.apiBaseUrl, '/apiBaseUrl');
      const config: Record<string, string> = {};
      for (const [k, v] of Object.entries(body)) if (!COMMON.has(k) && typeof v === 'string') config[k] = v;
      const conn = await store.channelConnections.create(accountId, {
        type: body.type,
        name: body.name ?? DEFAULT_NAMES[body.type],
        config,
        apiBaseUrl: body.apiBaseUrl?.replace(/\/+$/, '') ?? null,
        defaultSkillId: body.defaultSkillId ?? null,
      });
      const webhookUrl = webhookUrlOf(ctx.config.publicUrl, conn);
      try {
        await connector.connected?.(conn, webhookUrl);
      } catch (err) {
        // The provider refused the credentials: nothing half-made stays behind.
        await store.channelConnections.remove(accountId, conn.id);
        const why = err instanceof Error ? err.message : String(err);
        throw new AppError(400, 'provider_refused', `the provider refused the connection: ${why}`);
      }
      return reply.code(201).send({ id: conn.id, webhookUrl });
    },
  );

  app.get(
    '/api/v1/channels',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: "The account's provider connections (which credentials are set, never their values)",
        response: replies(200, ChannelConnections),
      },
    },
    async (req) => ({ items: (await store.channelConnections.list(authOf(req).accountId)).map(view) }),
  );

  app.post(
    '/api/v1/channels/:id/test',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary:
          'Ask the provider whether the stored credentials work; answers who they belong to, or why not',
        params: IdParams,
        response: replies(200, ChannelConnectionTest),
      },
    },
    async (req) => {
      const conn = await store.channelConnections.find(authOf(req).accountId, req.params.id);
      if (!conn) throw notFound('channel');
      const connector = connectors.get(conn.type);
      if (!connector?.test)
        return { ok: false as const, reason: `${DEFAULT_NAMES[conn.type]} connections cannot be tested yet` };
      try {
        return { ok: true as const, identity: (await connector.test(conn)).slice(0, 200) };
      } catch (err) {
        // A refusal is the answer the admin asked for, not a failure of this request.
        const why = err instanceof Error ? err.message : String(err);
        return { ok: false as const, reason: why.slice(0, 400) };
      }
    },
  );

  app.delete(
    '/api/v1/channels/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Remove a provider connection; its webhook stops answering and its conversations stay',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      await store.channelConnections.remove(authOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
