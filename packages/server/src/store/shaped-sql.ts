import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';

const texts = new Map<string, string>();
/** Shapes kept: batch statements vary with their row count (up to a few hundred each). */
const MAX_SHAPES = 4096;

/**
 * Runs a query whose SQL text depends only on its shape (a row count, a flag), compiled by Kysely
 * for the store's dialect once per shape and reused with fresh parameters. Building and compiling
 * a query tree for each batch of a hot path cost more CPU than running it. `build` compiles a query of
 * that shape (any values); `params` must follow the order its compiled text binds them in.
 */
export function runShaped<R>(
  db: Kysely<Database>,
  shape: string,
  build: () => CompiledQuery,
  params: readonly unknown[],
): Promise<QueryResult<R>> {
  return db.executeQuery<R>(CompiledQuery.raw(shapedText(db, shape, build), params as unknown[]));
}

/** The SQL text of `shape` for this store's dialect (see `runShaped`). */
export function shapedText(db: Kysely<Database>, shape: string, build: () => CompiledQuery): string {
  const key = `${db.getExecutor().adapter.constructor.name}:${shape}`;
  let text = texts.get(key);
  if (text === undefined) {
    text = build().sql;
    if (texts.size >= MAX_SHAPES) texts.delete(texts.keys().next().value!);
    texts.set(key, text);
  }
  return text;
}

/**
 * `items` in runs of at most `max`, for batch statements whose text grows with their row count.
 * With `powersOfTwo` (a store that keeps statements prepared by text, see StoreCapabilities), each
 * run's length is a power of two, largest first (137 rows: 128, 8, 1), so a batch of any size
 * comes in at most log2(max) + 1 texts per shape. One text per row count had the message
 * writer's statements (up to 1.3 ms to prepare at 400 rows) pushed out of a connection's 500 by a
 * broadcast's own shapes and prepared again, 20 to 40 every 10 s beside a send. `max` must then be
 * a power of two.
 */
export function statementRuns<T>(items: readonly T[], max: number, powersOfTwo: boolean): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; ) {
    let n = Math.min(max, items.length - i);
    if (powersOfTwo) n = 2 ** Math.floor(Math.log2(n));
    runs.push(items.slice(i, i + n));
    i += n;
  }
  return runs;
}
