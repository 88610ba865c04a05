import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

// The SDK is headless: the drop-in UI (packages/react-native) and any app's own screens sit on top
// of it, so it must run where there is no React and no DOM (Node, a worker, React Native's JS).
// What apps get is src/messaging (the published package); the rest of src is Node tooling for tests.
const SRC = new URL('../src/', import.meta.url).pathname;
const APP = join(SRC, 'messaging');
const UI_PACKAGES = /^(react|react-dom|react-native|react-native-web)(\/|$)/;
const DOM_GLOBALS = /\b(document|window|HTMLElement|localStorage|sessionStorage|customElements)\s*[.([]/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The code of a file without its comments (a comment may name the DOM it avoids). */
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');

describe('the headless SDK', () => {
  it('bundles without React, React Native or the DOM', async () => {
    const out = await build({
      entryPoints: [join(APP, 'index.ts')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      format: 'esm',
      logLevel: 'silent',
    });
    const imports = Object.values(out.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    assert.deepEqual(
      imports.filter((p) => UI_PACKAGES.test(p)),
      [],
      'no UI package reaches the SDK',
    );
    assert.deepEqual(
      Object.keys(out.metafile.inputs).filter((p) => p.includes('node_modules')),
      [],
      'the browser entry bundles nothing from node_modules',
    );
  });

  it('names no DOM global in the app package, and no file of the SDK imports a UI package', () => {
    for (const file of sources(APP)) assert.doesNotMatch(code(file), DOM_GLOBALS, `${file} uses the DOM`);
    for (const file of sources(SRC))
      for (const m of code(file).matchAll(/from '([^']+)'/g))
        assert.ok(!UI_PACKAGES.test(m[1]!), `${file} imports ${m[1]}`);
  });
});
