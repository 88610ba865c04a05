import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import { KeyedLimiter } from '../../conversations/chat-limits.ts';
import { AppError, badRequest, notFound, unauthorized } from '../../errors.ts';
import type { ChannelConnection, ConnectionType } from '../../store/channel-connections-repo.ts';
import { isStoreUnavailable, storeUnavailable } from '../../store/store-availability.ts';
import { type RawHandler, readBody, sendRaw } from '../../web/raw-routes.ts';
import { errors } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';
import type { ConnectionCache } from './connection-cache.ts';
import type { ConnectionsConfig } from './connections-config.ts';
import type { Connector, HookAnswer, HookRequest } from './connector.ts';

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

/** The webhook's path: `/hooks/{type}/{connectionId}`, with the same rules as `HookParams`. */
const HOOK_PATH = /^\/hooks\/(whatsapp|messenger|instagram|telegram|sms)\/(chn_[A-Za-z0-9_-]{1,60})(?:\?|$)/;
const ROUTE = '/hooks/:type/:id';

/** One delivery's work, shared by the raw path and the Fastify route. */
type Deliver = (
  type: ConnectionType,
  id: string,
  ip: string,
  url: string,
  headers: HookRequest['headers'],
  raw: Buffer,
) => Promise<HookAnswer>;

/** Whether the node trusts `X-Forwarded-For` (as Fastify's `trustProxy`). */
const TRUST_PROXY = process.env.BECKON_TRUST_PROXY === '1';

/** The caller's address, as Fastify's `req.ip` names it. */
function ipOf(req: IncomingMessage): string {
  if (TRUST_PROXY) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? '';
}

/**
 * Deliveries (POST) answered on the HTTP server ahead of Fastify: no hooks, no content-type
 * parsing, no schema conversion of the parameters, no reply object. The same checks and the same
 * answers as the Fastify route below, which `app.inject` and anything the path does not match
 * still reach. Measured in BENCHMARKS.md (W9).
 */
function rawHooks(ctx: AppContext, deliver: Deliver): RawHandler {
  const { metrics } = ctx;
  const log = ctx.logger.child({ component: 'channel-hooks' });
  const done = (res: ServerResponse, started: number, status: number, answer: HookAnswer) => {
    sendRaw(res, status, answer.body, answer.contentType);
    metrics.httpRequests.inc({ method: 'POST', route: ROUTE, status: String(status) });
    metrics.httpDuration.observe({ method: 'POST', route: ROUTE }, (performance.now() - started) / 1000);
  };
  const failed = (res: ServerResponse, started: number, err: unknown) => {
    if (res.headersSent || res.destroyed) return;
    let e: AppError;
    if (err instanceof AppError) e = err;
    else if (isStoreUnavailable(err)) {
      log.warn({ err: (err as Error).message }, 'webhook failed: the store is unreachable');
      e = storeUnavailable();
    } else {
      log.error({ err }, 'webhook failed');
      e = new AppError(500, 'internal', 'something went wrong on our side');
    }
    done(res, started, e.status, {
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ error: { code: e.code, message: e.message } }),
    });
  };
  return (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/hooks/')) return false;
    const m = HOOK_PATH.exec(req.url);
    if (!m) return false;
    const started = performance.now();
    const url = req.url;
    readBody(req, HOOK_BODY_LIMIT).then(
      (raw) => {
        if (raw === null) {
          // Too large: answered at once, and the rest of the body is not read.
          res.shouldKeepAlive = false;
          return failed(res, started, new AppError(413, 'body_too_large', 'Request body is too large'));
        }
        deliver(m[1] as ConnectionType, m[2]!, ipOf(req), url, req.headers, raw).then(
          (answer) => done(res, started, 200, answer),
          (err: unknown) => failed(res, started, err),
        );
      },
      () => res.destroy(),
    );
    return true;
  };
}

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

  const OK: HookAnswer = { contentType: 'application/json; charset=utf-8', body: '{"ok":true}' };

  /**
   * One delivery, on either path: the source's rate, the connection, its signature, its body, and
   * the connector's store. Answers only once the delivery is stored (an acknowledged delivery is
   * never lost); throws an AppError for a 4xx.
   */
  const deliver: Deliver = async (type, id, ip, url, headers, raw) => {
    const { connector, conn } = await connectionOf(type, id, ip);
    const q = url.indexOf('?');
    const hook: HookRequest = {
      query: q < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(q + 1))),
      headers,
      raw,
      url: `${ctx.config.publicUrl}${url}`,
    };
    if (!connector.authentic(conn, hook)) {
      log.info({ connection: conn.id, ip }, 'webhook with a missing or wrong signature refused');
      throw unauthorized('the signature is missing or wrong');
    }
    let payload: unknown;
    try {
      payload = connector.parse ? connector.parse(hook) : JSON.parse(raw.toString('utf8'));
    } catch {
      throw badRequest(connector.parse ? 'the body cannot be read' : 'the body is not JSON');
    }
    // Stored before the answer: each write, and the message writer's batch, waits for its sync.
    await connector.deliver(conn, payload);
    return connector.answer ?? OK;
  };

  app.rawRoutes.add(rawHooks(ctx, deliver));

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
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const answer = await deliver(req.params.type, req.params.id, req.ip, req.url, req.headers, raw);
        reply.header('x-content-type-options', 'nosniff');
        return reply.type(answer.contentType).send(answer.body);
      },
    );
  });
}
