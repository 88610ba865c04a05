import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Gzipped budgets (PERFORMANCE.md, W5): the first load, and signing in then opening the inbox. */
export const CONSOLE_BUDGET_GZIP_BYTES = { initial: 250 * 1024, signInAndInbox: 150 * 1024 } as const;

const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/** The scripts and styles index.html loads up front (lazy chunks not), relative to `dist`. */
export function initialAssets(dist: string): { js: string[]; css: string[] } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(js|css))"/g)];
  return {
    js: refs.filter((r) => r[2] === 'js').map((r) => r[1]!),
    css: refs.filter((r) => r[2] === 'css').map((r) => r[1]!),
  };
}

/**
 * The scripts opening the inbox adds to the first load: the conversations page's chunk and every
 * chunk it imports, less those the first load already has.
 */
export function inboxScripts(dist: string, loaded: readonly string[]): string[] {
  const page = readdirSync(join(dist, 'assets')).find(
    (f) => f.startsWith('conversations-page-') && f.endsWith('.js'),
  );
  if (!page) throw new Error(`${dist} has no conversations-page chunk: run npm run build`);
  const seen = new Set<string>(loaded);
  const found: string[] = [];
  const queue = [`assets/${page}`];
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    found.push(path);
    const source = readFileSync(join(dist, path), 'utf8');
    for (const [, dep] of source.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g))
      queue.push(`assets/${dep}`);
  }
  return found;
}

/** Gzipped bytes of the console's first load and of signing in then opening the inbox. */
export function consoleWeight(dist: string): {
  initialJs: number;
  initialCss: number;
  signInAndInboxJs: number;
} {
  const initial = initialAssets(dist);
  const sum = (files: string[]) => files.reduce((n, f) => n + gz(join(dist, f)), 0);
  const initialJs = sum(initial.js);
  return {
    initialJs,
    initialCss: sum(initial.css),
    signInAndInboxJs: initialJs + sum(inboxScripts(dist, initial.js)),
  };
}
