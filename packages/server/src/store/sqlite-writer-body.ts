// The events writer thread of a SQLite store: its own connection to the file (WAL lets the store's
// connection read meanwhile), the same EventsWriter and SQL as the store's own, fed by the messages
// of thread-events-writer.ts. WAL checkpoints run on the store's checkpointer thread (wal-checkpoints.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { type EventRow, unflattenFrames } from './event-rows.ts';
import { EventsWriter, type WriterOptions } from './events-writer.ts';
import type { ExposureRow, OutcomeUpdate } from './exposures-repo.ts';
import { openSqlite } from './sqlite-dialect.ts';
import type { SqliteSynchronous } from './store-config.ts';
import type { VisitorRow, VisitorSessionRow } from './visitors-repo.ts';

type ToThread =
  | {
      t: 'rows';
      /** EventFrames, flattened (see thread-events-writer.ts). */
      frames: (string | number | null)[];
      ops: {
        events: EventRow[];
        exposures: ExposureRow[];
        outcomes: OutcomeUpdate[];
        visitors: VisitorRow[];
        sessions: VisitorSessionRow[];
        rows: number;
      };
    }
  | { t: 'flush'; id: number }
  | { t: 'configure'; options: Partial<WriterOptions> };

const port = parentPort!;
const { file, synchronous } = workerData as { file: string; synchronous?: SqliteSynchronous };
// Set up as the store's connection is: statements prepared once, and write transactions that take
// the lock when they begin, so this thread and the store's connection wait for each other instead
// of failing with SQLITE_BUSY. Checkpoints happen on the store's checkpointer thread.
const { db } = openSqlite(file, { thread: true, statements: 256, synchronous });
const writer = new EventsWriter(db);
let received = 0;
const state = (reply?: number) => port.postMessage({ t: 'state', received, pending: writer.pending, reply });

writer.observe({
  flushed: (rows, seconds) => {
    port.postMessage({ t: 'flushed', rows, seconds });
    state();
  },
  failed: (err, willRetry) => {
    const e = err as { message?: string; code?: string };
    port.postMessage({ t: 'failed', message: String(e?.message ?? err), code: e?.code, willRetry });
  },
  dropped: (rows) => port.postMessage({ t: 'dropped', rows }),
});

port.on('message', (m: ToThread) => {
  if (m.t === 'rows') {
    const { ops } = m;
    for (const r of ops.events) writer.appendEvent(r);
    for (const f of unflattenFrames(m.frames)) writer.appendFrame(f);
    for (const x of ops.exposures) writer.addExposure(x);
    for (const o of ops.outcomes) writer.addOutcome(o);
    for (const v of ops.visitors) writer.putVisitor(v);
    for (const s of ops.sessions) writer.putSession(s);
    received += ops.rows;
  } else if (m.t === 'flush') {
    void writer.flush().then(() => state(m.id));
  } else {
    writer.configure(m.options);
  }
});

port.postMessage({ t: 'ready' });
