import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.ts';
import type { App } from '../web/types.ts';

const STOREFRONT = fileURLToPath(new URL('./storefront/', import.meta.url));
const DEMO_SETTING = 'demo.account_id';
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const NO_DEMO = [
  'There is no demo store on this server: it has no demo account.',
  '',
  'Start Beckon with `npm start` (or `npx beckon demo`) to seed the "Demo Store" account,',
  'then open /demo/ again.',
  '',
].join('\n');

/** Reads the storefront once: pages by clean name (`products` → products.html) and assets by file name. */
function readStorefront() {
  const pages = new Map<string, string>();
  for (const f of readdirSync(STOREFRONT)) {
    if (f.endsWith('.html')) pages.set(f.slice(0, -5), readFileSync(join(STOREFRONT, f), 'utf8'));
  }
  const assets = new Map<string, { body: Buffer; type: string }>();
  for (const f of readdirSync(join(STOREFRONT, 'assets'))) {
    const type = TYPES[extname(f)];
    if (type) assets.set(f, { body: readFileSync(join(STOREFRONT, 'assets', f)), type });
  }
  return { pages, assets };
}

/**
 * The demo storefront at /demo/: static pages with the Demo Store site's tag injected, served
 * under a strict Content-Security-Policy (no inline script or style) that allows only this
 * server's origin, to show the tag and widget work on such a site.
 */
export function demoRoutes(app: App, ctx: AppContext): void {
  const { pages, assets } = readStorefront();

  const demoSiteKey = async (): Promise<string | undefined> => {
    const accountId = await ctx.store.settings.get(DEMO_SETTING);
    if (!accountId) return undefined;
    return (await ctx.store.sites.list(accountId))[0]?.siteKey;
  };

  const page = async (reply: FastifyReply, name: string) => {
    const html = pages.get(name);
    if (html === undefined)
      return reply.code(404).type('text/plain; charset=utf-8').send('No such page in the demo store.\n');
    const siteKey = await demoSiteKey();
    if (!siteKey) return reply.code(404).type('text/plain; charset=utf-8').send(NO_DEMO);
    const beckon = new URL(ctx.config.publicUrl);
    const ws = `${beckon.protocol === 'https:' ? 'wss:' : 'ws:'}//${beckon.host}`;
    const tag = `<script async src="${beckon.origin}/t/${encodeURIComponent(siteKey)}.js"></script>`;
    return (
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        // The browsers' default, as on a real shop (the API's no-referrer would hide where visitors came from).
        .header('referrer-policy', 'strict-origin-when-cross-origin')
        .header(
          'content-security-policy',
          [
            "default-src 'self'",
            `script-src 'self' ${beckon.origin}`,
            `connect-src 'self' ${beckon.origin} ${ws}`,
            "img-src 'self' data: https:",
            "style-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
          ].join('; '),
        )
        .send(html.replaceAll('{{BECKON_TAG}}', tag))
    );
  };

  app.get('/demo', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/demo/'));
  app.get('/demo/', { schema: { hide: true } }, async (_req, reply) => page(reply, 'index'));
  app.get<{ Params: { page: string } }>('/demo/:page', { schema: { hide: true } }, async (req, reply) =>
    page(reply, req.params.page.replace(/\.html$/, '')),
  );
  app.get<{ Params: { file: string } }>(
    '/demo/assets/:file',
    { schema: { hide: true } },
    async (req, reply) => {
      const asset = assets.get(req.params.file);
      if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found.\n');
      return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body);
    },
  );
}
