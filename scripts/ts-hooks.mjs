// The loader hooks of the test runner's processes (scripts/ts-loader.mjs registers them): each
// TypeScript file is turned into JavaScript by esbuild, once per content, and kept in a cache
// shared by every test process of every run. Everything else loads as Node loads it.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';

const TS = /\.(?:[mc]?ts|tsx)$/;
/** esbuild's settings: part of each cache key, so a change here compiles everything again. */
const OPTIONS = {
  jsx: 'automatic',
  format: 'esm',
  target: 'node20',
  sourcemap: 'inline',
  // Stack traces need the map's lines, not the source again (a smaller map to read).
  sourcesContent: false,
  // As tsc reads it (tsconfig.base.json): an import is kept unless it says `type`.
  tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
};
const OPTIONS_KEY = JSON.stringify(OPTIONS);
const cacheDir = join(tmpdir(), `beckon-ts-${process.getuid?.() ?? 'user'}`);
mkdirSync(cacheDir, { recursive: true });

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS.test(url.split('?')[0])) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const key = createHash('sha1').update(OPTIONS_KEY).update(file).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.mjs`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    code = transformSync(source, {
      ...OPTIONS,
      loader: file.endsWith('x') ? 'tsx' : 'ts',
      sourcefile: file,
    }).code;
    // Written aside, then renamed: a process reading it at the same time sees all of it or none.
    const part = `${cached}.${process.pid}`;
    writeFileSync(part, code);
    renameSync(part, cached);
  }
  return { format: 'module', source: code, shortCircuit: true };
}
