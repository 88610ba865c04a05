import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const pkg = new URL('.', import.meta.url).pathname;

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Builds dist/loader.js and dist/widget.js when missing or older than their sources (tests use it). */
export function ensureTagBuilt(): void {
  const out = join(pkg, 'dist', 'loader.js');
  const sources = Math.max(newest(join(pkg, 'src')), statSync(join(pkg, 'build.ts')).mtimeMs);
  if (existsSync(out) && statSync(out).mtimeMs >= sources) return;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'build.ts'], { cwd: pkg, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tag build failed:\n${r.stdout}\n${r.stderr}`);
}
