import { ListOf, Site, SiteCreate, SiteUpdate } from '@beckon/protocol/api';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { engagementOf } from '../../engagement/engagement-runtime.ts';
import type { SiteRecord } from '../../store/sites-repo.ts';
import { IdParams, NoContent, replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';

/** The copy-paste tag for a site: the command queue, then the async loader. */
export function tagSnippet(publicUrl: string, siteKey: string): string {
  return [
    '<!-- Beckon -->',
    '<script>window.beckon = window.beckon || [];</script>',
    `<script async src="${publicUrl}/t/${siteKey}.js"></script>`,
  ].join('\n');
}

/** Sites: create, list, rename, change allowed origins and time zone, delete. */
export function sitesRoutes(app: App, ctx: AppContext): void {
  const { store, config } = ctx;
  const view = ({ accountId: _a, ...s }: SiteRecord): Site => ({
    ...s,
    snippet: tagSnippet(config.publicUrl, s.siteKey),
  });
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['sites'];

  app.get(
    '/api/v1/sites',
    { ...readers, schema: { tags, security, summary: 'List sites', response: replies(200, ListOf(Site)) } },
    async (req) => ({
      items: (await store.sites.list(authOf(req).accountId)).map(view),
    }),
  );

  app.post(
    '/api/v1/sites',
    {
      ...admins,
      schema: { tags, security, summary: 'Create a site', body: SiteCreate, response: replies(201, Site) },
    },
    async (req, reply) =>
      reply.code(201).send(view(await store.sites.create(authOf(req).accountId, req.body))),
  );

  app.get(
    '/api/v1/sites/:id',
    {
      ...readers,
      schema: { tags, security, summary: 'One site', params: IdParams, response: replies(200, Site) },
    },
    async (req) => view(await store.sites.get(authOf(req).accountId, req.params.id)),
  );

  app.patch(
    '/api/v1/sites/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Rename a site, change its origins or time zone, or turn call recording on or off',
        params: IdParams,
        body: SiteUpdate,
        response: replies(200, Site),
      },
    },
    async (req) => {
      const site = await store.sites.update(authOf(req).accountId, req.params.id, req.body);
      await engagementOf(ctx).siteChanged(site.siteKey);
      return view(site);
    },
  );

  app.delete(
    '/api/v1/sites/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delete a site',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const { siteKey } = await store.sites.get(accountId, req.params.id);
      await store.sites.delete(accountId, req.params.id);
      await engagementOf(ctx).siteChanged(siteKey);
      return reply.code(204).send(null);
    },
  );
}
