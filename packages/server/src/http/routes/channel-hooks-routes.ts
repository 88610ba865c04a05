import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { ConnectionCache } from '../../channels/connections/connection-cache.ts';
import type { ConnectionsConfig } from '../../channels/connections/connections-config.ts';
import type { Connector, HookRequest } from '../../channels/connections/connector.ts';
import type { AppContext } from '../../context.ts';
import { KeyedLimiter } from '../../conversations/chat-limits.ts';
import { AppError, badRequest, notFound, unauthorized } from '../../errors.ts';
import type { ChannelConnection, ConnectionType } from '../../store/channel-connections-repo.ts';
import { errors } from '../responses.ts';
import type { App } from '../types.ts';

/** Largest webhook body: providers send text and media references, never the media itself. */
const HOOK_BODY_LIMIT = 1024 * 1024;

const HookParams = Type.Object({
  type: Type.Union([
    Type.Literal('whatsapp'),
    Type.Literal('messenger'),
    Type.Literal('instagram'),
    Type.Literal('telegram'),
    Type.Literal('sms'),
  ]),
  id: Type.String({ pattern: '^chn_[A-Za-z0-9_-]{1,60}$' }),
});

/**
 * Providers' webhooks at `/hooks/{type}/{connectionId}`: GET for subscription handshakes, POST for
 * deliveries. The body is read raw (signatures are over the exact bytes), so this plugin has its
 * own content parser. Each source address has its own rate: a flood from one never delays another.
 */
export async function channelHooksRoutes(
  app: App,
  ctx: AppContext,
  connectors: ReadonlyMap<string, Connector>,
  config: ConnectionsConfig,
  connections: Pick<ConnectionCache, 'forWebhook'>,
): Promise<void> {
  const log = ctx.logger.child({ component: 'channel-hooks' });
  const limiter = new KeyedLimiter(config.hooksPerAddress);

  const connectionOf = async (type: ConnectionType, id: string, ip: string) => {
    if (!limiter.take(ip))
      throw new AppError(429, 'rate_limited', 'too many webhook calls from this address');
    const connector = connectors.get(type);
    const conn = connector && (await connections.forWebhook(type, id));
    if (!connector || !conn) throw notFound('channel');
    return { connector, conn } as { connector: Connector; conn: ChannelConnection };
  };

  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );

    scope.get(
      '/hooks/:type/:id',
      {
        // Providers call these with their own proof (a signature), not with Beckon's credentials:
        // they are described in docs/channels.md, not in the API document.
        schema: {
          hide: true,
          tags: ['channels'],
          summary: "A provider's webhook handshake (WhatsApp: hub.mode, hub.verify_token, hub.challenge)",
          params: HookParams,
          response: { 200: Type.String(), ...errors },
        },
      },
      async (req, reply) => {
        const { connector, conn } = await connectionOf(req.params.type, req.params.id, req.ip);
        const hook: HookRequest = {
          query: req.query as HookRequest['query'],
          headers: req.headers,
          raw: Buffer.alloc(0),
          url: `${ctx.config.publicUrl}${req.url}`,
        };
        const answer = connector.handshake?.(conn, hook) ?? null;
        if (answer === null) throw new AppError(403, 'forbidden', 'the verify token does not match');
        return reply.type('text/plain').send(answer);
      },
    );

    scope.post(
      '/hooks/:type/:id',
      {
        bodyLimit: HOOK_BODY_LIMIT,
        // A provider's server reads the answer, never a browser: no page policy headers, which
        // @fastify/helmet builds again on every request (a tenth of a delivery's CPU). The GET
        // handshake, which echoes its challenge, keeps them.
        helmet: false,
        schema: {
          hide: true,
          tags: ['channels'],
          summary: "A provider's webhook delivery, checked by its signature",
          params: HookParams,
          response: { 200: Type.Union([Type.Object({ ok: Type.Boolean() }), Type.String()]), ...errors },
        },
      },
      async (req, reply) => {
        const { connector, conn } = await connectionOf(req.params.type, req.params.id, req.ip);
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const hook: HookRequest = {
          query: req.query as HookRequest['query'],
          headers: req.headers,
          raw,
          url: `${ctx.config.publicUrl}${req.url}`,
        };
        if (!connector.authentic(conn, hook)) {
          log.info({ connection: conn.id, ip: req.ip }, 'webhook with a missing or wrong signature refused');
          throw unauthorized('the signature is missing or wrong');
        }
        let payload: unknown;
        try {
          payload = connector.parse ? connector.parse(hook) : JSON.parse(raw.toString('utf8'));
        } catch {
          throw badRequest(connector.parse ? 'the body cannot be read' : 'the body is not JSON');
        }
        reply.header('x-content-type-options', 'nosniff');
        await connector.deliver(conn, payload);
        if (connector.answer) return reply.type(connector.answer.contentType).send(connector.answer.body);
        return { ok: true };
      },
    );
  });
}
