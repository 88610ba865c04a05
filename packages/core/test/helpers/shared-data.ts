import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Path of a file in the shared data directory: `../shared/data` beside the project root, or beside a
 * parent of it when the project is checked out deeper (a git worktree).
 */
export function sharedData(name: string): string {
  for (let dir = ROOT; dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, '..', 'shared', 'data', name);
    if (existsSync(path)) return path;
  }
  return join(ROOT, '..', 'shared', 'data', name);
}
