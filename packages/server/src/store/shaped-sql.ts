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
