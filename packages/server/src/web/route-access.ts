import type { Role } from '@beckon/protocol/api';
import { rolesOf } from '../auth/auth-context.ts';
import type { App } from './types.ts';

/**
 * Who may call a route that does not guard itself with `requireRole`, declared in its schema as
 * `'x-beckon-access'`: `public` (anyone; the handler checks what it needs, such as a site key or a
 * signature), `signed-in` (any member, for their own things), `visitor` (a site key and the
 * visitor's own conversation or app token) or `bot` (a bot's token).
 */
export type RouteAccess = 'public' | 'signed-in' | 'visitor' | 'bot';

/** The schema key that declares a route's access. */
export const accessKey = 'x-beckon-access';

/** Marks a route's schema with its declared access (spread into `schema`). */
export const access = (kind: RouteAccess) => ({ [accessKey]: kind }) as Record<typeof accessKey, RouteAccess>;

/**
 * Writes the roles of each route's `requireRole` hook into its OpenAPI operation as
 * `x-beckon-roles`. The access-control matrix test reads them there, so a new operation is
 * checked by role without anyone listing it; one with neither these nor `x-beckon-access` fails it.
 */
export function documentRoles(app: App): void {
  app.addHook('onRoute', (route) => {
    if (!route.schema) return;
    let roles: readonly Role[] | undefined;
    for (const hook of [route.onRequest ?? []].flat()) roles ??= rolesOf(hook);
    if (roles) route.schema = { ...route.schema, 'x-beckon-roles': [...roles] } as typeof route.schema;
  });
}
