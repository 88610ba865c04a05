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
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', store: ctx.store.kind });
  });

  app.get('/metrics', { schema: hide }, async (_req, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  app.get('/api/openapi.json', { schema: hide }, async () => app.swagger());
}
