import { gzipSync } from 'node:zlib';

/** Gzipped size budgets (PERFORMANCE.md, W5): what a visitor downloads before and when something is shown. */
export const BUDGET_GZIP_BYTES = { loader: 3 * 1024, widget: 25 * 1024, voice: 8 * 1024 } as const;

/** Gzipped size at the level a CDN or the server would typically serve (9), in bytes. */
export function gzipBytes(content: string | Uint8Array): number {
  return gzipSync(content, { level: 9 }).length;
}
