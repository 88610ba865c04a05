import { randomId } from './ids.ts';

/** Events flushed together under one id, as the batch frame itself; the server drops a batch id it has already stored. */
export interface Batch<E> {
  type: 'batch';
  id: string;
  events: E[];
}

/** The tag's bounded queue: buffers events, seals them into batches, keeps each until acknowledged. */
export interface Outbox<E> {
  /** Queues an event (one too large for any frame is dropped); true when a batch is full and should go now. */
  add(event: E): boolean;
  /** Seals the buffer into batches and returns every unacknowledged one; with `send`, only the unsent, marking them sent. */
  take(send?: boolean): Batch<E>[];
  /**
   * The server is done with a batch: stored it (`id`), or — without an id — refused the oldest one
   * in flight (acks and refusals come back in the order batches were sent).
   */
  ack(id?: string): void;
  /** The connection dropped: every unacknowledged batch goes again with its id; `refused` forgets the sent ones instead. */
  unsend(refused?: boolean): void;
  /** Events held (buffered and unacknowledged). */
  size(): number;
  /** Whether this event is still held, i.e. not acknowledged yet. */
  holds(event: E): boolean;
}

/**
 * Creates an outbox holding at most `maxEvents` (the oldest go first beyond that), batches of at
 * most `batchEvents` events and `batchChars` JSON characters (16 000 keeps any frame under the
 * gateway's 64 KiB even in 3-byte UTF-8). Pure logic, no timers or sockets.
 */
export function createOutbox<E>(
  maxEvents = 500,
  batchEvents = 20,
  batchChars = 16000,
  newId: () => string = () => randomId(16),
): Outbox<E> {
  const buffer: E[] = [];
  let chars = 0;
  let batches: Batch<E>[] = [];
  /** Sent on the current connection and waiting for their ack. */
  let sent = new Set<Batch<E>>();
  const size = () => batches.reduce((n, b) => n + b.events.length, buffer.length);
  const seal = () => {
    while (buffer.length) batches.push({ type: 'batch', id: newId(), events: buffer.splice(0, batchEvents) });
    chars = 0;
  };
  return {
    add(event) {
      const length = JSON.stringify(event).length;
      if (length > batchChars) return false;
      if (chars + length > batchChars) seal();
      buffer.push(event);
      chars += length;
      while (size() > maxEvents) batches.length ? batches.shift() : buffer.shift();
      return buffer.length >= batchEvents;
    },
    take(send) {
      seal();
      const out = batches.filter((b) => !(send && sent.has(b)));
      if (send) for (const b of out) sent.add(b);
      return out;
    },
    ack(id) {
      const i = batches.findIndex((b) => (id === undefined ? sent.has(b) : b.id === id));
      if (i >= 0) batches.splice(i, 1);
    },
    unsend(refused) {
      if (refused) batches = batches.filter((b) => !sent.has(b));
      sent = new Set();
    },
    size,
    holds: (event) => buffer.includes(event) || batches.some((b) => b.events.includes(event)),
  };
}
