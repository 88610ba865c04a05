import { Worker } from 'node:worker_threads';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { threadExecArgv } from '../thread-argv.ts';
import { reportReadsOn } from './report-reads.ts';

/** Report threads of a SQLite file: two, so a report's independent queries run side by side. */
export const REPORT_READERS = 2;

interface Pending {
  resolve(rows: unknown[]): void;
  reject(err: Error): void;
}

interface Reader {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Read-only connections on threads of their own (`sqlite-reader.js`) for the queries of reports.
 * On one connection a report over a million events held the socket thread for its whole run (about
 * 0.2 s for the funnel): every chat of the node waited. Here it waits on a thread, and two queries
 * of one report run at once. Threads start on the first query, so a node that never reports has none.
 * WAL readers see each commit of the store's connection at once; a read never blocks a writer.
 */
export class SqliteReaders {
  private readonly readers: Reader[] = [];
  private seq = 0;
  private closed = false;
  /** The file's reads open and begun, for its checkpointer (report-reads.ts). */
  private readonly reads: Int32Array;

  constructor(
    private readonly file: string,
    private readonly size = REPORT_READERS,
  ) {
    this.reads = new Int32Array(reportReadsOn(file));
  }

  /** Runs one read on the least busy thread. */
  query(sqlText: string, params: readonly unknown[]): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    const reader = this.pick();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      reader.pending.set(id, { resolve, reject });
      Atomics.add(this.reads, 0, 1);
      Atomics.add(this.reads, 1, 1);
      if (reader.pending.size === 1) reader.worker.ref();
      reader.worker.postMessage({ id, sql: sqlText, params });
    });
  }

  private pick(): Reader {
    const idle = this.readers.find((r) => r.pending.size === 0);
    if (idle) return idle;
    if (this.readers.length < this.size) return this.spawn();
    return this.readers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private spawn(): Reader {
    const worker = new Worker(new URL('./sqlite-reader.js', import.meta.url), {
      workerData: { file: this.file },
      execArgv: threadExecArgv(),
    });
    const reader: Reader = { worker, pending: new Map() };
    worker.unref();
    const settle = (id: number) => {
      const p = reader.pending.get(id);
      if (p) Atomics.sub(this.reads, 0, 1);
      reader.pending.delete(id);
      if (reader.pending.size === 0) worker.unref();
      return p;
    };
    worker.on(
      'message',
      (m: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
        const p = settle(m.id);
        if (!p) return;
        if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        else p.resolve(m.rows!);
      },
    );
    const fail = (err: Error) => {
      for (const id of [...reader.pending.keys()]) settle(id)?.reject(err);
      const i = this.readers.indexOf(reader);
      if (i >= 0) this.readers.splice(i, 1);
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the report thread stopped')));
    this.readers.push(reader);
    return reader;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.readers.splice(0);
    await Promise.all(
      all.map(async (r) => {
        const exited = new Promise((resolve) => r.worker.once('exit', resolve));
        r.worker.postMessage('close');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
        await r.worker.terminate();
      }),
    );
  }
}

/** A Kysely dialect over `SqliteReaders`: reads only, no transactions. */
export function readersDialect(readers: SqliteReaders): Dialect {
  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      return { rows: (await readers.query(compiled.sql, compiled.parameters)) as R[] };
    },
    // biome-ignore lint/correctness/useYield: streaming is not offered; reports read their rows at once
    async *streamQuery() {
      throw new Error('report readers do not stream');
    },
  };
  const driver: Driver = {
    async init() {},
    async acquireConnection() {
      return connection;
    },
    async beginTransaction() {
      throw new Error('report readers run no transactions');
    },
    async commitTransaction() {},
    async rollbackTransaction() {},
    async releaseConnection() {},
    async destroy() {
      await readers.close();
    },
  };
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => driver,
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
  };
}
