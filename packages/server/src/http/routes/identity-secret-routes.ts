import Type from 'typebox';
import { ADMINS, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { IdParams, replies, security } from '../responses.ts';
import type { App } from '../types.ts';

/**
 * A site's identity secret, for its owners and admins: the site's server keys the userHash of a
 * signed-in user with it (`identify` in the tag, `identify` in the SDK). Made on first read.
 */
export function identitySecretRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  app.get(
    '/api/v1/sites/:id/identity-secret',
    {
      onRequest: requireRole(store, ADMINS),
      schema: {
        tags: ['sites'],
        security,
        summary: 'The site’s identity secret (owners and admins): the key of userHash = HMAC-SHA256(userId)',
        params: IdParams,
        response: replies(200, Type.Object({ secret: Type.String() })),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const site = await store.sites.get(accountId, req.params.id);
      return { secret: await store.sites.identitySecret(accountId, site.id) };
    },
  );
}
