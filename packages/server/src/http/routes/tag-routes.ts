import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { App } from '../types.ts';

const TAG_DIST = fileURLToPath(new URL('../../../../tag/dist/', import.meta.url));
/** Site keys as the store makes them (and as the loader's own URL pattern accepts them). */
const SITE_KEY = /^[\w-]{1,64}$/;
/** The loader is re-fetched within minutes of a deploy (the key is in its URL, so it cannot be hashed). */
const LOADER_CACHE = 'public, max-age=300, stale-while-revalidate=3600';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** How long a site-key lookup is trusted; a deleted site stops getting its tag within this. */
const SITE_CACHE_MS = 60_000;

interface Asset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  /** First 12 hex digits of the content's sha256 (what the loader puts in `widget.js?v=`). */
  version: string;
}

async function loadAsset(name: string): Promise<Asset | null> {
  let body: Buffer;
  try {
    body = await readFile(`${TAG_DIST}${name}`);
  } catch {
    return null;
  }
  const hash = createHash('sha256').update(body).digest('hex');
  return {
    body,
    gzipped: gzipSync(body, { level: 9 }),
    etag: `"${hash.slice(0, 20)}"`,
    version: hash.slice(0, 12),
  };
}

/** Reads an asset on first use and keeps it; a missing file (not built yet) is looked for again next time. */
function cachedAsset(name: string): () => Promise<Asset | null> {
  let pending: Promise<Asset | null> | undefined;
  return async () => {
    pending ??= loadAsset(name);
    const asset = await pending;
    if (!asset) pending = undefined;
    return asset;
  };
}

const js = (reply: FastifyReply) =>
  reply
    .type('application/javascript; charset=utf-8')
    // Customers' pages on other origins load these scripts.
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('access-control-allow-origin', '*');

/** A JavaScript comment body: visible in the browser's network panel, harmless if executed. */
const comment = (reply: FastifyReply, status: number, text: string, cache: string) =>
  js(reply).code(status).header('cache-control', cache).send(`/* Beckon: ${text} */\n`);

/** Sends an asset with its ETag (304 when unchanged), gzipped when the client accepts it. */
function sendAsset(req: FastifyRequest, reply: FastifyReply, asset: Asset, cache: string) {
  js(reply).header('cache-control', cache).header('etag', asset.etag).header('vary', 'accept-encoding');
  if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  }
  return reply.send(asset.body);
}

/**
 * The visitor tag: `GET /t/{siteKey}.js` (the loader, for known site keys only) and
 * `GET /t/widget.js?v={hash}` (the lazily loaded widget, cached for a year when `v` matches).
 * Files come from packages/tag/dist, read once per process.
 */
export function tagRoutes(app: App, ctx: AppContext): void {
  const getLoader = cachedAsset('loader.js');
  const getWidget = cachedAsset('widget.js');
  const known = new Map<string, { ok: boolean; at: number }>();
  const siteExists = async (key: string) => {
    const hit = known.get(key);
    if (hit && Date.now() - hit.at < SITE_CACHE_MS) return hit.ok;
    const ok = (await ctx.store.sites.findBySiteKey(key)) !== undefined;
    if (known.size > 10_000) known.clear();
    known.set(key, { ok, at: Date.now() });
    return ok;
  };
  const notBuilt = (reply: FastifyReply) =>
    comment(reply, 503, 'the tag is not built yet; run `npm run build`.', 'no-store');

  app.get<{ Querystring: { v?: string } }>('/t/widget.js', { schema: { hide: true } }, async (req, reply) => {
    const asset = await getWidget();
    if (!asset) return notBuilt(reply);
    return sendAsset(req, reply, asset, req.query.v === asset.version ? IMMUTABLE : LOADER_CACHE);
  });

  app.get<{ Params: { file: string } }>('/t/:file', { schema: { hide: true } }, async (req, reply) => {
    const { file } = req.params;
    const key = file.endsWith('.js') ? file.slice(0, -3) : '';
    if (!SITE_KEY.test(key) || !(await siteExists(key))) {
      return comment(
        reply,
        404,
        'unknown site key. Copy the tag snippet from Settings → Sites in the Beckon console.',
        'public, max-age=60',
      );
    }
    const asset = await getLoader();
    if (!asset) return notBuilt(reply);
    return sendAsset(req, reply, asset, LOADER_CACHE);
  });
}
