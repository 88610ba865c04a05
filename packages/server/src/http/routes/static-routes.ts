import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { AppContext } from '../../context.ts';
import type { App } from '../../web/types.ts';

const CONSOLE_DIST = fileURLToPath(new URL('../../../../console/dist/', import.meta.url));

/** The console single-page app at /console/ (index.html for client-side routes) and `/` → console. */
export async function staticRoutes(app: App, _ctx: AppContext): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/'));

  if (!existsSync(`${CONSOLE_DIST}index.html`)) {
    app.get('/console/*', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .code(503)
        .type('text/plain')
        .send('The console is not built yet: run `npm run build` (npm start does it for you).'),
    );
    return;
  }
  const indexHtml = await readFile(`${CONSOLE_DIST}index.html`, 'utf8');
  await app.register(fastifyStatic, {
    root: CONSOLE_DIST,
    prefix: '/console/',
    index: false,
    wildcard: false,
    maxAge: '1h',
    setHeaders: (res, path) => {
      if (path.includes('/assets/')) res.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  // Client-side routes (/console/settings/sites…) all get the app shell.
  app.get('/console/*', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html').header('cache-control', 'no-cache').send(indexHtml),
  );
  app.get('/console', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/'));
}
