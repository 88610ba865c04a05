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

  // Not ready (503) while the store cannot be reached or is not migrated, with the reason; the
  // node stays up and turns ready again by itself when the store answers.
  app.get('/readyz', { schema: hide }, async (_req, reply) => {
    const store = await ctx.store.readiness();
    return reply.code(store.ok ? 200 : 503).send({
      status: store.ok ? 'ready' : 'not_ready',
      store: { kind: ctx.store.kind, ok: store.ok, ...(store.reason ? { reason: store.reason } : {}) },
    });
  });

  app.get('/metrics', { schema: hide }, async (_req, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  app.get('/api/openapi.json', { schema: hide }, async () => app.swagger());
}
