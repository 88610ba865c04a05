import { build } from 'esbuild';

const SDK = new URL('../../sdk/src/messaging/index.ts', import.meta.url).pathname;

/**
 * Bundles `entry` for a browser the way a web app uses the package: `react-native` is
 * react-native-web, JSX is React's, and `@beckon/sdk` is the SDK's source. No Metro needed.
 */
export async function buildWebBundle(entry: string, minify = false): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify,
    alias: { 'react-native': 'react-native-web', '@beckon/sdk': SDK },
    resolveExtensions: ['.web.tsx', '.web.ts', '.web.js', '.tsx', '.ts', '.js', '.json'],
    define: { 'process.env.NODE_ENV': minify ? '"production"' : '"development"', __DEV__: String(!minify) },
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** A page that runs `bundle` full-screen, with `config` as `globalThis.beckonConfig`. */
export function webPage(bundle: string, config: unknown, lang = 'en'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo Store app</title>
<style>html,body,#root{height:100%;margin:0}body{font-family:"DejaVu Sans",system-ui,sans-serif;background:#e9ebf2}#root{display:flex}</style>
</head><body><div id="root"></div>
<script>globalThis.beckonConfig = ${JSON.stringify(config).replace(/</g, '\\u003c')};</script>
<script>${bundle.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
}
