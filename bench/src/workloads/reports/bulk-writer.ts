// Fast row loading for the reports benchmark: one prepared statement in big transactions on
// SQLite, `INSERT … SELECT FROM unnest(arrays)` in big chunks on PostgreSQL.
import Sqlite from 'better-sqlite3';
import pg from 'pg';

/** A column of a bulk-loaded table with its PostgreSQL array type. */
export interface BulkColumn {
  name: string;
  pgType: 'text' | 'bigint' | 'integer' | 'double precision';
}

export type Cell = string | number | null;

/** Appends rows to tables; rows are buffered and written in large batches. */
export interface BulkWriter {
  add(table: string, columns: readonly BulkColumn[], row: Cell[]): Promise<void>;
  /** Writes everything buffered. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const BATCH = 20_000;

/** Writes into a SQLite file through better-sqlite3 (the benchmark owns the file while loading). */
export function sqliteWriter(file: string): BulkWriter {
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const buffers = new Map<string, { columns: readonly BulkColumn[]; rows: Cell[][] }>();
  const statements = new Map<string, Sqlite.Statement>();
  const write = (table: string) => {
    const b = buffers.get(table);
    if (!b || b.rows.length === 0) return;
    let stmt = statements.get(table);
    if (!stmt) {
      const names = b.columns.map((c) => `"${c.name}"`);
      stmt = db.prepare(
        `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      );
      statements.set(table, stmt);
    }
    const run = stmt;
    db.transaction((rows: Cell[][]) => {
      for (const r of rows) run.run(r);
    })(b.rows);
    b.rows = [];
  };
  return {
    async add(table, columns, row) {
      let b = buffers.get(table);
      if (!b) {
        b = { columns, rows: [] };
        buffers.set(table, b);
      }
      b.rows.push(row);
      if (b.rows.length >= BATCH) write(table);
    },
    async flush() {
      for (const t of buffers.keys()) write(t);
    },
    async close() {
      for (const t of buffers.keys()) write(t);
      db.close();
    },
  };
}

/** Writes into a PostgreSQL schema: each batch is one INSERT from column arrays. */
export async function postgresWriter(url: string, schema: string): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const buffers = new Map<string, { columns: readonly BulkColumn[]; rows: Cell[][] }>();
  const write = async (table: string) => {
    const b = buffers.get(table);
    if (!b || b.rows.length === 0) return;
    const arrays = b.columns.map((_, i) => b.rows.map((r) => r[i] ?? null));
    const casts = b.columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ');
    await client.query(
      `INSERT INTO ${table} (${b.columns.map((c) => `"${c.name}"`).join(', ')}) SELECT * FROM unnest(${casts})`,
      arrays,
    );
    b.rows = [];
  };
  return {
    async add(table, columns, row) {
      let b = buffers.get(table);
      if (!b) {
        b = { columns, rows: [] };
        buffers.set(table, b);
      }
      b.rows.push(row);
      if (b.rows.length >= BATCH) await write(table);
    },
    async flush() {
      for (const t of buffers.keys()) await write(t);
    },
    async close() {
      for (const t of buffers.keys()) await write(t);
      await client.end();
    },
  };
}
