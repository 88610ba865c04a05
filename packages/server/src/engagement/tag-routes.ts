import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { widgetLanguageOf } from '@beckon/protocol/widget-languages';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { App } from '../web/types.ts';

const TAG_DIST = fileURLToPath(new URL('../../../tag/dist/', import.meta.url));
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

/** Headers every tag file gets: customers' pages on other origins load them. */
const crossOrigin = (reply: FastifyReply) =>
  reply.header('cross-origin-resource-policy', 'cross-origin').header('access-control-allow-origin', '*');

const js = (reply: FastifyReply) => crossOrigin(reply).type('application/javascript; charset=utf-8');

/**
 * The widget's language for a site: its fixed language, else the first of the page's tags (its
 * `<html lang>`, then the browser's languages) that the widget speaks, else English.
 */
export function chooseWidgetLanguage(setting: string, pageTags: string): string {
  if (setting !== 'auto') return setting;
  return (
    pageTags
      .split(',')
      .slice(0, 20)
      .map((tag) => widgetLanguageOf(tag.trim()))
      .find(Boolean) ?? 'en'
  );
}

/** A JavaScript comment body: visible in the browser's network panel, harmless if executed. */
const comment = (reply: FastifyReply, status: number, text: string, cache: string) =>
  js(reply).code(status).header('cache-control', cache).send(`/* Beckon: ${text} */\n`);

/** Sends an asset with its ETag (304 when unchanged), gzipped when the client accepts it. */
function sendAsset(req: FastifyRequest, reply: FastifyReply, asset: Asset, cache: string) {
  reply.header('cache-control', cache).header('etag', asset.etag).header('vary', 'accept-encoding');
  if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    return reply.header('content-encoding', 'gzip').send(asset.gzipped);
  }
  return reply.send(asset.body);
}

/**
 * The visitor tag: `GET /t/{siteKey}.js` (the loader, for known site keys only) and
 * `GET /t/widget.js?v={hash}` (the lazily loaded widget, cached for a year when `v` matches) and
 * `GET /t/voice.js?v={hash}` (calls and callbacks, which the widget loads on first use).
 * Files come from packages/tag/dist, read once per process.
 */
export function tagRoutes(app: App, ctx: AppContext): void {
  const getLoader = cachedAsset('loader.js');
  const getWidget = cachedAsset('widget.js');
  const getVoice = cachedAsset('voice.js');
  /** A site's widget language setting by key (null: no such site), looked up at most once a minute. */
  const known = new Map<string, { language: string | null; at: number }>();
  const siteLanguage = async (key: string) => {
    if (!SITE_KEY.test(key)) return null;
    const hit = known.get(key);
    if (hit && Date.now() - hit.at < SITE_CACHE_MS) return hit.language;
    const language = (await ctx.store.sites.findBySiteKey(key))?.widgetLanguage ?? null;
    if (known.size > 10_000) known.clear();
    known.set(key, { language, at: Date.now() });
    return language;
  };
  const siteExists = async (key: string) => (await siteLanguage(key)) !== null;
  const notBuilt = (reply: FastifyReply) =>
    comment(reply, 503, 'the tag is not built yet; run `npm run build`.', 'no-store');

  // The widget and its voice chunk: immutable for a year when asked for by their content hash.
  for (const [path, get] of [
    ['/t/widget.js', getWidget],
    ['/t/voice.js', getVoice],
  ] as const) {
    app.get<{ Querystring: { v?: string } }>(path, { schema: { hide: true } }, async (req, reply) => {
      const asset = await get();
      if (!asset) return notBuilt(reply);
      return sendAsset(req, js(reply), asset, req.query.v === asset.version ? IMMUTABLE : LOADER_CACHE);
    });
  }

  // Language packs: one per language the widget speaks, cached for a year under their hash.
  const packs = new Map<string, () => Promise<Asset | null>>();
  const getPack = (lang: string) => {
    let get = packs.get(lang);
    if (!get) {
      get = cachedAsset(`i18n/${lang}.json`);
      packs.set(lang, get);
    }
    return get();
  };
  const json = (reply: FastifyReply) => crossOrigin(reply).type('application/json; charset=utf-8');

  /** `GET /t/lang/{siteKey}?l={page tags}`: redirects to the pack of the site's language. */
  app.get<{ Params: { siteKey: string }; Querystring: { l?: string } }>(
    '/t/lang/:siteKey',
    { schema: { hide: true } },
    async (req, reply) => {
      const setting = await siteLanguage(req.params.siteKey);
      if (setting === null) {
        return json(reply)
          .code(404)
          .header('cache-control', 'public, max-age=60')
          .send({
            error: { code: 'unknown_site', message: 'Unknown site key.' },
          });
      }
      const lang = chooseWidgetLanguage(setting, String(req.query.l ?? ''));
      const asset = await getPack(lang);
      if (!asset)
        return json(reply)
          .code(503)
          .header('cache-control', 'no-store')
          .send({ error: { code: 'not_built', message: 'The tag is not built yet; run `npm run build`.' } });
      // Short-lived: an admin's change of the site's language reaches visitors within minutes.
      return crossOrigin(reply)
        .header('cache-control', LOADER_CACHE)
        .redirect(`/t/i18n/${lang}.json?v=${asset.version}`, 302);
    },
  );

  /** `GET /t/i18n/{lang}.json?v={hash}`: one language pack, immutable when `v` matches. */
  app.get<{ Params: { file: string }; Querystring: { v?: string } }>(
    '/t/i18n/:file',
    { schema: { hide: true } },
    async (req, reply) => {
      const lang = widgetLanguageOf(req.params.file.replace(/\.json$/, ''));
      const asset = lang && `${lang}.json` === req.params.file ? await getPack(lang) : null;
      if (!asset) {
        return json(reply)
          .code(404)
          .header('cache-control', 'public, max-age=60')
          .send({
            error: { code: 'not_found', message: 'No such language pack.' },
          });
      }
      return sendAsset(req, json(reply), asset, req.query.v === asset.version ? IMMUTABLE : LOADER_CACHE);
    },
  );

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
    return sendAsset(req, js(reply), asset, LOADER_CACHE);
  });
}
