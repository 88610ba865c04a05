import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The root of the repository these tests run in. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Mirrors an installed `node_modules` into `to` without copying it: packages are links to the
 * installed ones, while the workspace links (`@beckon/*`) and `.bin` entries keep their relative
 * targets, so they point into the clone's own packages.
 */
function mirrorModules(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const st = lstatSync(src);
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), join(to, name));
    else if (st.isDirectory() && (name.startsWith('@') || name === '.bin'))
      mirrorModules(src, join(to, name));
    else symlinkSync(src, join(to, name));
  }
}

/**
 * What `git clone` and `npm install` leave: the repository's files (tracked ones and new ones
 * not ignored, as in the working tree), no `./data`, no build output, and the installed
 * `node_modules` linked in rather than installed again.
 */
export function freshClone(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter(Boolean);
  for (const f of new Set(files)) {
    const src = join(REPO_ROOT, f);
    if (!existsSync(src)) continue; // deleted in the working tree
    mkdirSync(dirname(join(to, f)), { recursive: true });
    copyFileSync(src, join(to, f));
  }
  mirrorModules(join(REPO_ROOT, 'node_modules'), join(to, 'node_modules'));
  for (const pkg of readdirSync(join(REPO_ROOT, 'packages'))) {
    const nested = join(REPO_ROOT, 'packages', pkg, 'node_modules');
    if (existsSync(nested)) mirrorModules(nested, join(to, 'packages', pkg, 'node_modules'));
  }
}
