import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { App } from '../web/types.ts';
import { type AuditAction, auditActionOf, isAuditedRoute } from './audit-actions.ts';

const routesOf = new WeakMap<object, string[]>();

/** Targets that are people (visitors, contacts): recorded without their id. */
const PERSONAL = new Set(['person', 'contact', 'visitor']);

/** Every mutating `/api/v1` route of an app, as `METHOD route` (the coverage test reads it). */
export const mutatingRoutesOf = (app: App): string[] => routesOf.get(app) ?? [];

/** The changed thing's id: the route's own, else the `id` of a creation's answer. */
function targetIdOf(req: FastifyRequest, payload: unknown, spec: AuditAction): string | null {
  // An erased person must leave no id behind: people are never named by id in the log.
  if (spec.target && PERSONAL.has(spec.target)) return null;
  const params = (req.params ?? {}) as Record<string, string | undefined>;
  const fromRoute = params.id ?? params.ref ?? params.address;
  if (fromRoute) return fromRoute.slice(0, 200);
  if (spec.target === 'session' && req.auth?.sessionRef) return req.auth.sessionRef;
  if (spec.target === 'account') return req.auth?.accountId ?? null;
  if (spec.target === 'user' && req.url.startsWith('/api/v1/me/')) return req.auth?.userId ?? null;
  if (typeof payload !== 'string' || payload.length > 65_536 || !payload.startsWith('{')) return null;
  try {
    const body = JSON.parse(payload) as { id?: unknown; item?: { id?: unknown } };
    const id = body.id ?? body.item?.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/**
 * Records every successful change made through the API: after a mutating `/api/v1` route answered
 * 2xx or 3xx to a signed-in caller, and before that answer leaves, so an acknowledged change is
 * in the log. Names come from `AUDIT_ACTIONS`; a route missing there is recorded under its method
 * and path. Install before the routes, so it sees each one registered.
 */
export function installAuditHook(app: App, ctx: AppContext): void {
  const routes: string[] = [];
  routesOf.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (isAuditedRoute(method, route.url)) routes.push(`${method} ${route.url}`);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const auth = req.auth;
    const url = req.routeOptions.url;
    if (!auth || !url || reply.statusCode >= 400 || !isAuditedRoute(req.method, url)) return payload;
    const spec = auditActionOf(req.method, url);
    if (spec.public || (spec.sessions === false && auth.via === 'session')) return payload;
    await ctx.audit.record(req, {
      action: spec.action,
      targetType: spec.target ?? null,
      targetId: targetIdOf(req, payload, spec),
      details: spec.details === 'none' ? undefined : req.body,
      detailsMode: spec.details === 'none' ? undefined : spec.details,
    });
    return payload;
  });
}
