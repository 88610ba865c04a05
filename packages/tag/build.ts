/**
 * Bundles the tag: dist/loader.js (the ≤ 3 KB script every page loads) and dist/widget.js (loaded
 * only when an engagement must be shown), minified twice (esbuild, then terser), for browsers from
 * about 2019. The loader asks for `widget.js?v=<content hash>`, so the widget can be cached for a year. Prints gzipped
 * sizes and fails when a budget is exceeded. Run: `node --import tsx build.ts`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { type BuildOptions, build } from 'esbuild';
import { minify } from 'terser';
import { BUDGET_GZIP_BYTES, gzipBytes } from './size-budget.ts';

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

async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const result = await build({ ...common, entryPoints: [entry], define });
  const text = result.outputFiles![0]!.text;
  if (/typebox/i.test(text))
    throw new Error(`${entry}: TypeBox leaked into the bundle; import only types from @beckon/protocol`);
  return text;
}

/** Re-minifies esbuild's output with terser, keeping the same language level (ES2019). */
async function squeeze(code: string): Promise<string> {
  const out = await minify(code, { ecma: 2019, compress: { passes: 3 }, mangle: true });
  return out.code!;
}

// A second pass with terser (several compress passes) takes off ~2-3 % more than esbuild's
// minifier alone: every page downloads the loader, and the widget sits at the edge of its budget.
const widget = await squeeze(await bundle('src/widget/index.ts'));
const widgetVersion = createHash('sha256').update(widget).digest('hex').slice(0, 12);
const loader = await squeeze(
  await bundle('src/loader.ts', { __WIDGET_VERSION__: JSON.stringify(widgetVersion) }),
);

mkdirSync(`${here}dist`, { recursive: true });
writeFileSync(`${here}dist/widget.js`, widget);
writeFileSync(`${here}dist/loader.js`, loader);

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
