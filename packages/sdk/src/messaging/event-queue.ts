import type { StorageAdapter } from './storage.ts';

/**
 * The app's durable outbox of behaviour events. Events go into numbered chunks of up to
 * `MAX_CHUNK_EVENTS`; a chunk is sealed before it is sent and never changes after, so its batch id
 * (`<visitorId>-<chunk>`) always names the same events and the server keeps one copy of a batch
 * sent twice (after a cut or a restart). A chunk is sent only once its sealed contents are in
 * storage, and dropped once the server acknowledged it. Storage holds one key per chunk plus a
 * small head/tail record, so an event costs one small write however long the queue is.
 */

/** Most events in one batch (the server's MAX_BATCH_EVENTS). */
export const MAX_CHUNK_EVENTS = 50;
/** A chunk is sealed before its JSON passes this (the server takes frames up to 64 KiB). */
const MAX_CHUNK_CHARS = 48 * 1024;

export type QueuedEvent = Record<string, unknown> & { type: string };

interface Meta {
  v: 1;
  visitorId: string;
  /** The oldest chunk not yet acknowledged. */
  head: number;
  /** The open chunk (events are added here); every chunk below it is sealed. */
  tail: number;
}

export class EventQueue {
  visitorId = '';
  private head = 0;
  private tail = 0;
  /** The highest tail known to be in storage: chunks below it may be sent. */
  private durableTail = 0;
  private readonly chunks = new Map<number, QueuedEvent[]>();
  private openChars = 2;
  private readonly dirty = new Set<number>();
  private metaDirty = false;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly storage: StorageAdapter,
    private readonly prefix: string,
    /** Called when more chunks may be sent (a seal reached storage). */
    private readonly onDurable: () => void,
  ) {}

  /** Reads the queue left by an earlier run (or starts one with a new visitor id). */
  async load(newId: () => string): Promise<void> {
    const meta = parse<Meta>(await this.storage.getItem(this.prefix));
    if (meta?.v === 1 && typeof meta.visitorId === 'string') {
      this.visitorId = meta.visitorId;
      this.head = meta.head;
      this.tail = meta.tail;
      for (let n = meta.head; n <= meta.tail; n++) {
        const events = parse<QueuedEvent[]>(await this.storage.getItem(this.key(n)));
        this.chunks.set(n, Array.isArray(events) ? events : []);
      }
      this.openChars = JSON.stringify(this.chunks.get(this.tail)).length;
    } else {
      this.visitorId = newId();
      this.chunks.set(0, []);
      this.metaDirty = true;
      this.persist();
    }
    this.durableTail = this.tail;
  }

  /** Adds an event to the open chunk (sealing it when full). */
  push(event: QueuedEvent): void {
    const chars = JSON.stringify(event).length + 1;
    if (this.openChars + chars > MAX_CHUNK_CHARS) this.seal();
    const open = this.chunks.get(this.tail)!;
    open.push(event);
    this.openChars += chars;
    this.dirty.add(this.tail);
    if (open.length >= MAX_CHUNK_EVENTS) this.seal();
    this.persist();
  }

  /** Seals the open chunk if it holds anything, so it can be sent. */
  seal(): void {
    if (this.chunks.get(this.tail)!.length === 0) return;
    this.dirty.add(this.tail);
    this.tail++;
    this.chunks.set(this.tail, []);
    this.openChars = 2;
    this.metaDirty = true;
    this.persist();
  }

  /** True when the open chunk holds events. */
  get hasOpenEvents(): boolean {
    return this.chunks.get(this.tail)!.length > 0;
  }

  /** Events waiting (sent or not) until the server acknowledges them. */
  get size(): number {
    let n = 0;
    for (const c of this.chunks.values()) n += c.length;
    return n;
  }

  /** The first chunk not yet acknowledged. */
  get first(): number {
    return this.head;
  }

  /** A sealed chunk in storage, ready to send (null when `n` is not one yet). */
  batch(n: number): { id: string; events: QueuedEvent[] } | null {
    if (n < this.head || n >= this.durableTail) return null;
    return { id: this.batchId(n), events: this.chunks.get(n)! };
  }

  batchId(n: number): string {
    return `${this.visitorId}-${n}`;
  }

  /** The chunk a batch id names, or -1 when it is not one of this queue's. */
  chunkOf(batchId: string): number {
    const prefix = `${this.visitorId}-`;
    if (!batchId.startsWith(prefix)) return -1;
    const n = Number(batchId.slice(prefix.length));
    return Number.isInteger(n) ? n : -1;
  }

  /** The server stored every chunk up to `n`: they leave the queue (and storage). */
  acknowledge(n: number): void {
    if (n < this.head || n >= this.tail) return;
    for (let i = this.head; i <= n; i++) {
      this.chunks.delete(i);
      this.dirty.add(i);
    }
    this.head = n + 1;
    this.metaDirty = true;
    this.persist();
  }

  /** Resolves once everything pushed so far is in storage. */
  async persisted(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private persist(): void {
    if (this.writing) return;
    this.writing = this.write().finally(() => {
      this.writing = null;
      // Something may have changed after the last pass checked and before this ran.
      if (this.dirty.size > 0 || this.metaDirty) this.persist();
    });
  }

  /** Writes dirty chunks, then the head/tail record, until nothing is dirty; order matters for a crash in between. */
  private async write(): Promise<void> {
    await Promise.resolve();
    while (this.dirty.size > 0 || this.metaDirty) {
      const keys = [...this.dirty];
      this.dirty.clear();
      const meta: Meta = { v: 1, visitorId: this.visitorId, head: this.head, tail: this.tail };
      this.metaDirty = false;
      try {
        for (const n of keys) {
          const events = this.chunks.get(n);
          if (events) await this.storage.setItem(this.key(n), JSON.stringify(events));
          else await this.storage.removeItem(this.key(n));
        }
        await this.storage.setItem(this.prefix, JSON.stringify(meta));
      } catch {
        // Storage full or refused: the events stay in memory and are sent while the app runs.
      }
      if (meta.tail > this.durableTail) {
        this.durableTail = meta.tail;
        this.onDurable();
      }
    }
  }

  private key(n: number): string {
    return `${this.prefix}.${n}`;
  }
}

function parse<T>(raw: string | null): T | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
