// The loader hooks of the test runner's processes (scripts/ts-loader.mjs registers them): each
// TypeScript file is turned into JavaScript by esbuild, once per content, and kept in a cache
// shared by every test process of every run. Two libraries load from one bundle each (below);
// everything else loads as Node loads it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync, version as esbuildVersion, transformSync } from 'esbuild';

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

/**
 * Libraries that ship as hundreds of small modules: typebox about 680, kysely about 260. Under
 * these hooks each module costs a round trip to the hooks' thread, about 0.4 ms of CPU: together
 * some 0.4 s for every process and store thread that loads the server. Each loads instead from
 * one bundle of all its entry points (esbuild, code shared by the entries split into common
 * chunks, so each library still has one copy of its state), built once per version and cached.
 */
const BUNDLED = {
  typebox: ['.', './compile', './error', './format', './guard', './schema', './system', './type', './value'],
  kysely: ['.', './helpers/postgres', './helpers/mysql', './helpers/mssql', './helpers/sqlite'],
};
const BARE = /^(typebox|kysely)(\/.+)?$/;
/** Each installed copy's bundle directory, by its package.json. */
const bundles = new Map();
/** The bundle directory of the package an entry file belongs to, by the entry's directory. */
const bundleDirs = new Map();

/** The package.json of package `name` at or above `from`, or null. */
function packageJsonOf(name, from) {
  for (let at = from; ; at = dirname(at)) {
    const file = join(at, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === name) return file;
    if (dirname(at) === at) return null;
  }
}

/** The directory of `name`'s bundle, built on first use: one file per entry point. */
function bundleOf(name, packageJson) {
  let dir = bundles.get(packageJson);
  if (dir) return dir;
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8'));
  const key = createHash('sha1').update(`${packageJson}\0${pkg.version}\0${esbuildVersion}`).digest('hex');
  dir = join(cacheDir, 'bundles', `${name}-${key}`);
  if (!existsSync(join(dir, 'done'))) {
    const root = dirname(packageJson);
    const entryPoints = BUNDLED[name].map((sub) => ({
      in: join(root, pkg.exports[sub].import),
      out: sub === '.' ? 'index' : sub.slice(2),
    }));
    // Built aside, then renamed: a process reading it at the same time sees all of it or none.
    const part = `${dir}.${process.pid}`;
    rmSync(part, { recursive: true, force: true });
    buildSync({
      entryPoints,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outdir: part,
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
    });
    writeFileSync(join(part, 'done'), '');
    try {
      renameSync(part, dir);
    } catch {
      // Another process got there first; its bundle is the same.
      rmSync(part, { recursive: true, force: true });
    }
  }
  bundles.set(packageJson, dir);
  return dir;
}

export async function resolve(specifier, context, nextResolve) {
  const bare = BARE.exec(specifier);
  if (!bare) return nextResolve(specifier, context);
  const sub = bare[2] ? `.${bare[2]}` : '.';
  const name = bare[1];
  if (!BUNDLED[name].includes(sub)) return nextResolve(specifier, context);
  // Where this importer would find the package, through Node's own resolution; its directory's
  // answer is kept, so the package.json is read once per copy, not once per import.
  const entry = await nextResolve(specifier, context);
  const from = dirname(fileURLToPath(entry.url));
  let dir = bundleDirs.get(from);
  if (dir === undefined) {
    const packageJson = packageJsonOf(name, from);
    dir = packageJson ? bundleOf(name, packageJson) : null;
    bundleDirs.set(from, dir);
  }
  if (!dir) return entry;
  return {
    url: pathToFileURL(join(dir, `${sub === '.' ? 'index' : sub.slice(2)}.mjs`)).href,
    format: 'module',
    shortCircuit: true,
  };
}

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
