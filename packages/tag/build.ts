/**
 * Bundles the tag: dist/loader.js (the ≤ 3 KB script every page loads), dist/widget.js (loaded
 * only when an engagement must be shown) and dist/voice.js (calls and callbacks, fetched by the
 * widget on first use), minified twice (esbuild, then terser), for browsers from about 2019. The loader asks for `widget.js?v=<content hash>`, so the widget can be cached for a year. Prints gzipped
 * sizes and fails when a budget is exceeded. Run: `node --import tsx build.ts`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type BuildOptions, build, transform } from 'esbuild';
import { minify } from 'terser';
import { BUDGET_GZIP_BYTES, gzipBytes } from './size-budget.ts';

/** Languages written right to left: their packs carry dir="rtl" and the mirror sheet. */
const RTL_LANGS = ['ar', 'he'];

const here = new URL('.', import.meta.url).pathname;
const common: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2019'],
  platform: 'browser',
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  absWorkingDir: here,
  logLevel: 'warning',
};

async function bundle(entry: string, extra: BuildOptions = {}): Promise<string> {
  const result = await build({ ...common, entryPoints: [entry], ...extra });
  const text = result.outputFiles![0]!.text;
  if (/typebox/i.test(text))
    throw new Error(`${entry}: TypeBox leaked into the bundle; import only types from @beckon/protocol`);
  return text;
}

/** Re-minifies esbuild's output with terser, keeping the same language level (ES2019). */
async function squeeze(code: string): Promise<string> {
  const out = await minify(code, {
    ecma: 2019,
    compress: { passes: 6, unsafe_arrows: true, pure_getters: true },
    mangle: true,
    toplevel: true,
  });
  return out.code!;
}

// A second pass with terser takes off ~2-3 % more than esbuild's minifier alone: every page
// downloads the loader, and the widget sits at the edge of its budget. Six compress passes:
// on the widget with its language lookup and callback form, three gave 25,789 B gzipped, six 25,365 B
// (the gzipped size does not fall steadily with passes; measure when changing it).
// Calls and the callback form are a chunk of their own (voice.js), fetched by the widget on first
// use under its content hash; the widget carries that hash.
const voice = await squeeze(await bundle('src/widget/voice/index.ts'));
const voiceVersion = createHash('sha256').update(voice).digest('hex').slice(0, 12);
const widget = await squeeze(
  await bundle('src/widget/index.ts', { define: { __VOICE_VERSION__: JSON.stringify(voiceVersion) } }),
);
const widgetVersion = createHash('sha256').update(widget).digest('hex').slice(0, 12);
// The loader's bundle goes without the "use strict" prologue (8 B gzipped): TypeScript already
// refuses what strict mode would catch at run time.
const loader = await squeeze(
  await bundle('src/loader.ts', {
    define: { __WIDGET_VERSION__: JSON.stringify(widgetVersion) },
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
  }),
);

mkdirSync(`${here}dist`, { recursive: true });
writeFileSync(`${here}dist/widget.js`, widget);
writeFileSync(`${here}dist/loader.js`, loader);
writeFileSync(`${here}dist/voice.js`, voice);

// Language packs: dist/i18n/{code}.json, `{ lang, dir?, css?, phrases }`, fetched by the widget only
// for its language. English is built in, so its pack has no phrases (the server still answers with
// it). Right-to-left packs carry the mirror sheet, so no one else downloads it.
const i18nDir = `${here}src/widget/i18n/`;
const rtlCss = (
  await transform(readFileSync(`${i18nDir}rtl.css`, 'utf8'), { loader: 'css', minify: true })
).code.trim();
mkdirSync(`${here}dist/i18n`, { recursive: true });
for (const file of ['en.json', ...readdirSync(`${i18nDir}packs`)]) {
  const lang = file.slice(0, -5);
  const phrases = lang === 'en' ? {} : JSON.parse(readFileSync(`${i18nDir}packs/${file}`, 'utf8'));
  const rtl = RTL_LANGS.includes(lang) ? { dir: 'rtl', css: rtlCss } : {};
  writeFileSync(`${here}dist/i18n/${lang}.json`, JSON.stringify({ lang, ...rtl, phrases }));
}

const report = {
  loader: {
    bytes: Buffer.byteLength(loader),
    gzipBytes: gzipBytes(loader),
    budget: BUDGET_GZIP_BYTES.loader,
  },
  widget: {
    bytes: Buffer.byteLength(widget),
    gzipBytes: gzipBytes(widget),
    budget: BUDGET_GZIP_BYTES.widget,
    version: widgetVersion,
  },
  voice: {
    bytes: Buffer.byteLength(voice),
    gzipBytes: gzipBytes(voice),
    budget: BUDGET_GZIP_BYTES.voice,
    version: voiceVersion,
  },
};
writeFileSync(`${here}dist/manifest.json`, `${JSON.stringify(report, null, 2)}\n`);

let over = false;
for (const [name, r] of Object.entries(report)) {
  const ok = r.gzipBytes <= r.budget;
  over ||= !ok;
  process.stdout.write(
    `tag: ${name}.js ${r.bytes} B, ${r.gzipBytes} B gzipped (budget ${r.budget} B) ${ok ? 'ok' : 'OVER BUDGET'}\n`,
  );
}
if (over) process.exit(1);
