// The chat messages thread of a SQLite store: its own connection to the file, the same
// MessagesRepo and SQL as the store's own, fed by thread-message-appender.ts. Each request is one
// group commit; its results go back only after the commit.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import { type AppendItem, MessagesRepo } from './messages-repo.ts';
import { openSqlite } from './sqlite-dialect.ts';
import { capabilitiesOf } from './store-capabilities.ts';

/** A request of the socket thread: store these sends in one transaction. */
export interface AppendRequest {
  id: number;
  items: AppendItem[];
  now?: number;
}

/** Results cross the thread boundary as plain data: an AppError loses its class on the way. */
export type ThreadResult =
  | { ok: true; message: import('@beckon/protocol/chat-api').Message; duplicate: boolean }
  | { ok: false; error: { status: number; code: string; message: string } };

export type AppendReply =
  | { ready: true }
  | { id: number; results: ThreadResult[] }
  | { id: number; failed: { message: string; code?: string } };

const port = parentPort!;
const { file } = workerData as { file: string };
const { db } = openSqlite(file, { thread: true, statements: 64 });
const repo = new MessagesRepo(db, capabilitiesOf('sqlite'));

// One request at a time, in order (the socket thread sends the next only after this one's reply).
port.on('message', (m: AppendRequest) => {
  repo.appendBatch(m.items, m.now).then(
    (results) =>
      port.postMessage({
        id: m.id,
        results: results.map((r) =>
          r.ok
            ? r
            : {
                ok: false,
                error: {
                  status: r.error instanceof AppError ? r.error.status : 500,
                  code: r.error instanceof AppError ? r.error.code : 'internal',
                  message: r.error.message,
                },
              },
        ),
      } satisfies AppendReply),
    (err: { message?: string; code?: string }) =>
      port.postMessage({
        id: m.id,
        failed: { message: String(err?.message ?? err), code: err?.code },
      } satisfies AppendReply),
  );
});

port.postMessage({ ready: true } satisfies AppendReply);
