// W5 weight: bytes a visitor's browser downloads for the tag and widget, and an agent's for the console.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { BenchOptions, BenchResult } from '../types.ts';

const ROOT = new URL('../../../', import.meta.url);
const gz = (file: URL) => gzipSync(readFileSync(file), { level: 9 }).length;

/** Sums the gzipped size of the scripts and styles index.html loads up front (not lazy chunks). */
function consoleInitialBytes(): { js: number; css: number } {
  const dist = new URL('packages/console/dist/', ROOT);
  const html = readFileSync(new URL('index.html', dist), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/console\/([^"]+\.(js|css))"/g)];
  let js = 0;
  let css = 0;
  for (const [, path, ext] of refs) {
    const bytes = gz(new URL(path!, dist));
    if (ext === 'js') js += bytes;
    else css += bytes;
  }
  return { js, css };
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const tag = new URL('packages/tag/dist/', ROOT);
  for (const f of ['loader.js', 'widget.js', 'voice.js']) {
    if (!existsSync(new URL(f, tag))) throw new Error(`packages/tag/dist/${f} is missing: run npm run build`);
  }
  const loader = gz(new URL('loader.js', tag));
  const widget = gz(new URL('widget.js', tag));
  // Calls and the callback form: fetched by the widget only when a visitor first uses them.
  const voice = gz(new URL('voice.js', tag));
  const consoleBytes = consoleInitialBytes();
  opts.log(
    `loader ${loader} B, widget ${widget} B, voice ${voice} B, console JS ${consoleBytes.js} B (+${consoleBytes.css} B CSS), gzipped`,
  );
  return {
    workload: 'weight',
    loader_gzip_bytes: loader,
    loader_target_bytes: 3072,
    widget_gzip_bytes: widget,
    widget_target_bytes: 25600,
    voice_gzip_bytes: voice,
    voice_target_bytes: 8192,
    console_js_gzip_bytes: consoleBytes.js,
    console_css_gzip_bytes: consoleBytes.css,
    console_target_bytes: 256000,
    loader_within_target: loader <= 3072,
    widget_within_target: widget <= 25600,
    voice_within_target: voice <= 8192,
    console_within_target: consoleBytes.js <= 256000,
  };
}
