import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ENTRY = new URL('../../../packages/react-native/src/index.ts', import.meta.url).pathname;
const SDK = new URL('../../../packages/sdk/src/messaging/index.ts', import.meta.url).pathname;

/**
 * What the drop-in UI adds to an app (issue 49, recorded beside W5): packages/react-native and
 * the SDK it sits on, minified and gzipped, with React and React Native left to the app.
 */
export async function measureUiBundle(): Promise<{ ui_bundle_gzip_bytes: number }> {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    jsx: 'automatic',
    external: ['react', 'react/jsx-runtime', 'react-native'],
    alias: { '@beckon/sdk': SDK },
    logLevel: 'silent',
  });
  return { ui_bundle_gzip_bytes: gzipSync(out.outputFiles[0]!.contents, { level: 9 }).length };
}
