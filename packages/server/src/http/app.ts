import { createServer } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import { registerAjvFormats, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import { installAuditHook } from '../audit/audit-hook.ts';
import type { AppContext } from '../context.ts';
import { RawRoutes } from '../web/raw-routes.ts';
import { documentRoles } from '../web/route-access.ts';
import type { App, RoutesPlugin } from '../web/types.ts';
import { webhookDocs } from '../webhooks/webhook-docs.ts';
import { installErrorHandling } from './error-handler.ts';
import { acceptEmptyJsonBodies } from './json-body-parser.ts';
import { buildLazySerializer, lazyValidatorCompiler } from './lazy-compilers.ts';
import { apiKeysRoutes } from './routes/api-keys-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { awayReasonsRoutes } from './routes/away-reasons-routes.ts';
import { maskingRoutes } from './routes/masking-routes.ts';
import { opsRoutes } from './routes/ops-routes.ts';
import { securityRoutes } from './routes/security-routes.ts';
import { sitesRoutes } from './routes/sites-routes.ts';
import { skillsRoutes } from './routes/skills-routes.ts';
import { ssoRoutes } from './routes/sso-routes.ts';
import { staticRoutes } from './routes/static-routes.ts';
import { usersRoutes } from './routes/users-routes.ts';

registerAjvFormats();

/** Builds the HTTP application of one node: security headers, auth, REST API, OpenAPI, ops and static pages. */
export async function buildApp(ctx: AppContext, extraRoutes: RoutesPlugin[] = []): Promise<App> {
  // Providers' webhook deliveries are answered ahead of Fastify (channel-hooks-routes.ts); the
  // server otherwise is the one Fastify would make, with its keep-alive and request timeouts.
  const raw = new RawRoutes();
  const app = Fastify({
    serverFactory: (handler) => {
      const server = createServer((req, res) => {
        if (!raw.handle(req, res)) handler(req, res);
      });
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = 0;
      return server;
    },
    loggerInstance: ctx.logger.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: process.env.BECKON_TRUST_PROXY === '1',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    schemaController: { compilersFactory: { buildSerializer: buildLazySerializer } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setValidatorCompiler(lazyValidatorCompiler);
  app.decorate('rawRoutes', raw);
  installErrorHandling(app);
  acceptEmptyJsonBodies(app);

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // The tag must load on customers' sites; /t/ routes set their own policy.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    hsts: ctx.config.secureCookies,
  });
  documentRoles(app);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Beckon API',
        version: '1',
        description: 'Intelligent engagement: sites, skills, agents, campaigns, conversations, analytics.',
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'beckon_session',
            description: 'Console session; writes need the x-csrf-token header',
          },
          apiKey: { type: 'http', scheme: 'bearer', description: 'Account API key (bk_…)' },
          botToken: {
            type: 'http',
            scheme: 'bearer',
            description: "A bot's token (bkbot_…), for the bot API",
          },
        },
      },
      webhooks: webhookDocs(),
    } as Parameters<typeof fastifySwagger>[1] extends { openapi?: infer O } ? O : never,
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  installAuditHook(app, ctx);
  for (const plugin of [
    opsRoutes,
    authRoutes,
    sitesRoutes,
    skillsRoutes,
    usersRoutes,
    awayReasonsRoutes,
    securityRoutes,
    maskingRoutes,
    ssoRoutes,
    apiKeysRoutes,
    ...extraRoutes,
  ]) {
    await plugin(app, ctx);
  }
  await staticRoutes(app, ctx);
  ctx.ws.attach(app.server);
  return app;
}
