import Sqlite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
} from 'kysely';
import type { Database } from './schema.ts';
import { DEFAULT_SQLITE_SYNCHRONOUS, type SqliteSynchronous } from './store-config.ts';
import { WAL_SIZE_LIMIT } from './wal-checkpoints.ts';
import { type Deferral, type Fsync, WalSync } from './wal-sync.ts';

/** Prepared statements kept per connection, by SQL text (batch statements vary with their row count). */
const STATEMENT_CACHE_SIZE = 500;
const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');

/** Marks a statement that runs no SQL: it names the Deferral its transaction's sync joins. */
const DEFER = Symbol('deferSync');
type DeferMark = CompiledQuery & { [DEFER]: Deferral };

/**
 * Inside a transaction on a SQLite file at `full`: the transaction's sync joins `deferral` instead of
 * being awaited when it ends (see wal-sync.ts). The mark rides on the connection, which the transaction
 * holds alone until it ends, so no other caller's writes can join by mistake. Call it only on a store
 * with a WAL sync (`Store.walSync`): another dialect would run the mark's SQL.
 */
export async function deferSyncTo(trx: Kysely<Database>, deferral: Deferral): Promise<void> {
  const mark: DeferMark = { ...CompiledQuery.raw('select 1'), [DEFER]: deferral };
  await trx.executeQuery(mark);
}

/**
 * Keeps prepared statements by SQL text, least recently used out first. Kysely prepares every query
 * it runs; on the message path that was about a twentieth of a node's CPU. Safe because Kysely
 * never runs two statements at once on its one SQLite connection.
 */
export function cachingStatements(
  db: SqliteDatabase,
  size = STATEMENT_CACHE_SIZE,
  onPrepared?: (stmt: ReturnType<SqliteDatabase['prepare']>) => void,
): SqliteDatabase {
  const cache = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      onPrepared?.(stmt);
      return stmt;
    },
  };
}

/** How long a statement may wait, in all, for another connection's lock before it fails. */
export const LOCK_WAIT_MS = 5000;
/**
 * How long SQLite itself may wait for a lock (its busy handler sleeps the thread) on a connection
 * of the thread that serves sockets, before the wait goes on without blocking it (see below).
 */
const BLOCKING_WAIT_MS = 5;
/** The longest pause between two tries of a statement that waits without blocking. */
const RETRY_MAX_MS = 10;

/**
 * Holds a connection's statements off (without blocking its thread) while another connection
 * works on the file alone: the checkpointer thread's WAL reset pass and its moves of recent chat
 * messages (see wal-checkpoints.ts). Statements of a transaction already open are not held; the
 * hold begins once it has ended — at its COMMIT or ROLLBACK, before the code that awaited it goes
 * on, so the other connection works while this thread delivers what the transaction committed.
 */
export class StatementGate {
  private held: Promise<void> | null = null;
  /** Called when the open transaction ends (see `transactionEnded`). */
  private waiting: (() => void)[] = [];

  constructor(private readonly sqlite: { inTransaction: boolean }) {}

  /**
   * Holds new statements from now on, and calls `onHeld` with the release (and when the hold began)
   * once no transaction is open: at once, or synchronously as the open one ends. Holds queue one
   * after the other.
   */
  async hold(onHeld: (release: () => void, since: number) => void): Promise<void> {
    while (this.held) await this.held;
    // New statements wait from now (`performance.now()`), though `onHeld` may come at a COMMIT.
    const since = performance.now();
    let open!: () => void;
    this.held = new Promise<void>((resolve) => {
      open = resolve;
    });
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.held = null;
      open();
    };
    if (!this.sqlite.inTransaction) return onHeld(release, since);
    let called = false;
    const start = () => {
      if (called) return;
      called = true;
      onHeld(release, since);
    };
    this.waiting.push(start);
    // A transaction begun outside the dialect (so never reported ended) is noticed by polling.
    while (!called) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.sqlite.inTransaction) start();
    }
  }

  /** The dialect's COMMIT or ROLLBACK ran: starts the holds that waited for it. */
  transactionEnded(): void {
    if (this.sqlite.inTransaction || this.waiting.length === 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const start of waiting) start();
  }

  /** True when a statement outside a transaction must wait (`pass`). */
  get closed(): boolean {
    return this.held !== null && !this.sqlite.inTransaction;
  }

  /** Waits while held (a statement outside a transaction is about to run). */
  async pass(): Promise<void> {
    while (this.closed) await this.held;
  }
}

/**
 * Turns on the one connection, first come first served, each handed straight to the next caller.
 * Kysely's own lock for SQLite wakes every waiter at each release, and all but one wait again:
 * a queue of n statements costs n² wake-ups. Statements queue by the thousand while the store's
 * statements are held for the checkpointer thread (a WAL reset holds them up to 250 ms at
 * thousands of chat lines a second), and draining them that way held the socket thread for
 * 100–700 ms (W12, bench/notes.md). Here each waiter wakes once.
 */
class HandOff {
  private busy = false;
  private waiting: (() => void)[] = [];
  /** Index of the next waiter in `waiting` (shifting a long array on every turn would copy it). */
  private next = 0;

  /** Resolves when the caller's turn has come (at once when nobody has it). */
  take(): Promise<void> | undefined {
    if (!this.busy) {
      this.busy = true;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Ends the caller's turn: the next waiter has it, or nobody. */
  give(): void {
    if (this.next < this.waiting.length) {
      const resolve = this.waiting[this.next]!;
      this.waiting[this.next++] = noop;
      if (this.next === this.waiting.length) {
        this.waiting = [];
        this.next = 0;
      } else if (this.next >= 1024 && this.next * 2 >= this.waiting.length) {
        this.waiting = this.waiting.slice(this.next);
        this.next = 0;
      }
      resolve();
      return;
    }
    this.busy = false;
  }
}

const noop = () => {};

/** A statement outside any transaction that found another connection's lock: it changed nothing. */
function waitable(err: unknown, sqlite: { inTransaction: boolean }): boolean {
  const code = (err as { code?: unknown })?.code;
  return (
    !sqlite.inTransaction &&
    (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_RECOVERY' || code === 'SQLITE_BUSY_TIMEOUT')
  );
}

/** The connection's writes since it was acquired, and the Deferral its holder named, if any. */
interface DurableWrites {
  wal: WalSync;
  wrote: boolean;
  deferral: Deferral | null;
}

/**
 * Kysely's SQLite dialect with write transactions that take the write lock when they begin
 * (`BEGIN IMMEDIATE`). A deferred transaction that reads and then writes fails at once with
 * SQLITE_BUSY when another connection to the file (a writer thread, a CLI command) committed
 * in between; an immediate one waits for the lock and then sees the latest rows.
 *
 * A statement outside a transaction (`BEGIN IMMEDIATE` included) that still finds the file locked
 * once SQLite's own wait is over tries again after a timer, up to LOCK_WAIT_MS in all: the thread
 * keeps serving sockets meanwhile, where SQLite's busy handler would sleep it. It also covers a
 * case SQLite's wait does not: while the checkpointer thread RESTARTs the WAL, a connection that
 * begins a transaction can get SQLITE_BUSY after well under the busy timeout (seen at 70–90 ms).
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: { inTransaction: boolean },
    private readonly gate: StatementGate,
    private readonly durable: DurableWrites | null = null,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const { sqlite, gate, durable } = this;
    // Kysely's one connection, taken once from its driver; after that, turns on it are handed out
    // by `turns`, not by the driver's own lock (see HandOff).
    const acquire = driver.acquireConnection.bind(driver);
    const release = driver.releaseConnection.bind(driver);
    let taking: Promise<DatabaseConnection> | null = null;
    /** Once taken: every statement after the first skips a wait for it. */
    let own: DatabaseConnection | null = null;
    const turns = new HandOff();
    const patched = new WeakSet<DatabaseConnection>();
    driver.acquireConnection = async () => {
      taking ??= acquire().then(async (connection) => {
        await release(connection);
        own = connection;
        return connection;
      });
      const connection = own ?? (await taking);
      await turns.take();
      if (!patched.has(connection)) {
        patched.add(connection);
        const execute = connection.executeQuery.bind(connection);
        connection.executeQuery = async <R>(query: CompiledQuery) => {
          const deferral = (query as Partial<DeferMark>)[DEFER];
          if (deferral) {
            if (durable) durable.deferral = deferral;
            return { rows: [] as R[] };
          }
          if (gate.closed) await gate.pass();
          // When the first try found the file locked (the clock is read only then).
          let since = 0;
          for (let delay = 1; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
            try {
              return await execute<R>(query);
            } catch (err) {
              if (!waitable(err, sqlite)) throw err;
              since ||= Date.now();
              if (Date.now() - since >= LOCK_WAIT_MS) throw err;
              await new Promise((resolve) => setTimeout(resolve, delay));
            }
          }
        };
      }
      return connection;
    };
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(BEGIN_IMMEDIATE);
    };
    for (const end of ['commitTransaction', 'rollbackTransaction'] as const) {
      const run = driver[end].bind(driver);
      driver[end] = async (connection: DatabaseConnection) => {
        try {
          await run(connection);
        } finally {
          gate.transactionEnded();
        }
      };
    }
    driver.releaseConnection = async () => turns.give();
    if (durable) {
      // The connection is free for the next query first; the caller goes on once its writes are on disk.
      driver.releaseConnection = async () => {
        const { wrote, deferral } = durable;
        durable.wrote = false;
        durable.deferral = null;
        turns.give();
        if (!wrote) return;
        if (deferral) deferral.add(durable.wal.sync());
        else await durable.wal.sync();
      };
      const destroy = driver.destroy.bind(driver);
      driver.destroy = async () => {
        await destroy();
        durable.wal.close();
      };
    }
    return driver;
  }
}

/**
 * Opens a connection to a store's SQLite file the way every connection of a node does (WAL,
 * foreign keys, a busy timeout so connections wait for each other's write lock), with Kysely over
 * it. `thread`: a writer thread's own connection, which never checkpoints inside its commits
 * (the store's checkpointer thread does, see wal-checkpoints.ts). `synchronous`: whether each
 * commit is synced to disk (`full`) or only at checkpoints (`normal`; see store-config.ts).
 * A `full` connection of the socket thread syncs from the thread pool instead (see wal-sync.ts).
 */
export function openSqlite(
  file: string,
  opts: {
    thread?: boolean;
    statements?: number;
    synchronous?: SqliteSynchronous;
    /** How the WAL is flushed (`fs.fsync`; a test's own to hold a flush back). */
    flush?: Fsync;
  } = {},
): { sqlite: Sqlite.Database; db: Kysely<Database>; gate: StatementGate; wal: WalSync | null } {
  const sqlite = new Sqlite(file);
  const wal = sqlite.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  const synchronous = opts.synchronous ?? DEFAULT_SQLITE_SYNCHRONOUS;
  // On the socket thread, SQLite's own sync at COMMIT would stop every socket for its length.
  const durable =
    synchronous === 'full' && !opts.thread && wal
      ? { wal: new WalSync(`${file}-wal`, opts.flush), wrote: false, deferral: null }
      : null;
  sqlite.pragma(`synchronous = ${durable ? 'normal' : synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  // Writer threads let SQLite wait for each other's locks; the socket thread only briefly, then
  // without blocking (ImmediateSqliteDialect).
  sqlite.pragma(`busy_timeout = ${opts.thread ? LOCK_WAIT_MS : BLOCKING_WAIT_MS}`);
  // Statement journals (every multi-row INSERT or UPDATE inside a transaction keeps one) and
  // temporary sort trees in memory: in a file they cost a create, writes and an unlink per
  // statement — about a third of the CPU of committing a batch of chat messages.
  sqlite.pragma('temp_store = MEMORY');
  // A deleted row's bytes are overwritten, not left in free space: an erased person leaves no trace
  // in the file (see docs/security.md, Privacy).
  sqlite.pragma('secure_delete = ON');
  if (opts.thread) sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`); // a WAL grown past this shrinks back when it starts over
  const gate = new StatementGate(sqlite);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect(
      {
        database: cachingStatements(
          sqlite,
          opts.statements,
          durable
            ? (stmt) => {
                if (!(stmt as unknown as Sqlite.Statement).readonly) durable.wrote = true;
              }
            : undefined,
        ),
      },
      sqlite,
      gate,
      durable,
    ),
  });
  return { sqlite, db, gate, wal: durable?.wal ?? null };
}
