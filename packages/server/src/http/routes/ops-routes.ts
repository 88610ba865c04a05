import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import type { App } from '../types.ts';

/** Liveness, readiness, Prometheus metrics and the generated OpenAPI document. */
export function opsRoutes(app: App, ctx: AppContext): void {
  const hide = { hide: true };
  app.get(
    '/healthz',
    { schema: { ...hide, response: { 200: Type.Object({ status: Type.String() }) } } },
    async () => ({ status: 'ok' }),
  );

  app.get('/readyz', { schema: hide }, async (_req, reply) => {
    const ready = await ctx.store.ready();
    // A node whose bus is down still serves its sockets and stores every message: it stays in the
    // load balancer (200, 'degraded'). The bus is shared, so taking out each node whose Redis is
    // down would take out all of them at once, turning a degraded service into an outage.
    const health = ctx.bus.health();
    const bus = health.ok ? { ok: true } : { ok: false, reason: health.reason };
    const status = !ready ? 'not_ready' : health.ok ? 'ready' : 'degraded';
    return reply.code(ready ? 200 : 503).send({ status, store: ctx.store.kind, bus });
  });

  app.get('/metrics', { schema: hide }, async (_req, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  app.get('/api/openapi.json', { schema: hide }, async () => app.swagger());
}
