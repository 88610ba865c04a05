#!/usr/bin/env node
// Builds the browser parts: the console (Vite) and the visitor tag (esbuild), when their sources changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

function build(name, dir, marker, cmd, args) {
  const pkg = join(root, dir);
  const out = join(pkg, marker);
  if (!existsSync(join(pkg, 'src')) || !args.some((a) => existsSync(join(pkg, a)))) return;
  if (existsSync(out) && statSync(out).mtimeMs >= newest(pkg) && !process.env.FORCE_BUILD) {
    console.log(`${name}: up to date`);
    return;
  }
  console.log(`${name}: building…`);
  const r = spawnSync(cmd, args, { cwd: pkg, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

build('tag', 'packages/tag', 'dist/loader.js', process.execPath, ['--import', 'tsx', 'build.ts']);
build('console', 'packages/console', 'dist/index.html', process.execPath, [
  join(root, 'node_modules/vite/bin/vite.js'),
  'build',
  '--logLevel',
  'warn',
  '--config',
  'vite.config.ts',
]);
