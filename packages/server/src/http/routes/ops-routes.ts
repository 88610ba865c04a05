import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import type { App } from '../../web/types.ts';
import { asyncApiDocument } from '../asyncapi-document.ts';

/** Liveness, readiness, Prometheus metrics and the generated OpenAPI and AsyncAPI documents. */
export function opsRoutes(app: App, ctx: AppContext): void {
  const hide = { hide: true };
  app.get(
    '/healthz',
    { schema: { ...hide, response: { 200: Type.Object({ status: Type.String() }) } } },
    async () => ({ status: 'ok' }),
  );

  // Not ready (503) while the store cannot be reached or is not migrated, with the reason; the
  // node stays up and turns ready again by itself when the store answers.
  app.get('/readyz', { schema: hide }, async (_req, reply) => {
    const store = await ctx.store.readiness();
    // A node whose bus is down still serves its sockets and stores every message: it stays in the
    // load balancer (200, 'degraded'). The bus is shared, so taking out each node whose Redis is
    // down would take out all of them at once, turning a degraded service into an outage.
    const health = ctx.bus.health();
    const bus = health.ok ? { ok: true } : { ok: false, reason: health.reason };
    const status = !store.ok ? 'not_ready' : health.ok ? 'ready' : 'degraded';
    return reply.code(store.ok ? 200 : 503).send({
      status,
      store: { kind: ctx.store.kind, ok: store.ok, ...(store.reason ? { reason: store.reason } : {}) },
      bus,
    });
  });

  app.get('/metrics', { schema: hide }, async (_req, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  app.get('/api/openapi.json', { schema: hide }, async () => app.swagger());

  // Built once: the frame schemas do not change while the node runs.
  let asyncApi: object | undefined;
  app.get('/api/asyncapi.json', { schema: hide }, async () => {
    asyncApi ??= asyncApiDocument(ctx.config.publicUrl);
    return asyncApi;
  });
}
