import { EventEmitter } from 'node:events';
import type {
  AckFrame,
  EngageFrame,
  ErrorFrame,
  HelloFrame,
  ServerFrame,
  VisitorEvent,
  WelcomeFrame,
} from '@beckon/protocol';
import WebSocket from 'ws';
import { wsUrl } from './beacon.ts';
import { newBatchId } from './visitor-events.ts';

/** The visitor WebSocket path on a Beckon server. */
export const VISITOR_PATH = '/v1/visitor';

export interface ReconnectOptions {
  minDelayMs: number;
  maxDelayMs: number;
  /** Give up after this many failed attempts in a row. */
  maxAttempts: number;
}

export interface VisitorClientOptions {
  /** Extra upgrade headers (e.g. X-Forwarded-For behind a test proxy). */
  headers?: Record<string, string>;
  /** Local address to connect from (tests simulate several client addresses over loopback). */
  localAddress?: string;
  /** Reconnect with exponential backoff and jitter after an unexpected close, resending unacknowledged batches. */
  reconnect?: boolean | Partial<ReconnectOptions>;
  /** How long `sendBatch` waits for its ack (ms). */
  ackTimeoutMs?: number;
  /** Answer the server's pings (default true, as browsers do); false simulates a half-open connection. */
  answerPings?: boolean;
}

/** How a connection ended. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * Thrown when the server refuses the upgrade over HTTP (a wrong path, a server error). Unknown
 * site keys, disallowed origins and connection floods are accepted and closed with 4403 / 4429.
 */
export class UpgradeRefusedError extends Error {
  constructor(readonly status: number) {
    super(`the server refused the connection with HTTP ${status}`);
  }
}

type HelloInit = Omit<HelloFrame, 'type'>;

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

const RECONNECT: ReconnectOptions = { minDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 20 };
/** Close codes after which reconnecting would only be refused again. */
const FINAL = new Set([1000, 1009, 4400, 4401, 4403, 4408, 4429]);

/**
 * A typed visitor-protocol client over `ws`, for tests, benchmarks and non-browser apps:
 * connect, hello, send batches (awaiting acks), receive engage frames, reconnect.
 */
export class VisitorClient extends EventEmitter<{
  engage: [EngageFrame];
  error: [ErrorFrame];
  welcome: [WelcomeFrame];
  close: [CloseInfo];
  reconnect: [number];
}> {
  /** Every engage frame received, in order. */
  readonly engages: EngageFrame[] = [];
  /** Every error frame received, in order. */
  readonly errors: ErrorFrame[] = [];
  welcome: WelcomeFrame | null = null;
  /** Resolves when the connection ends for good (no reconnect). */
  readonly closed: Promise<CloseInfo>;
  private ws!: WebSocket;
  private helloFrame: HelloFrame | null = null;
  private readonly acks = new Map<string, Waiter<AckFrame>>();
  /** Batches sent but not acknowledged, in order (resent after a reconnect). */
  private readonly unacked = new Map<string, string>();
  private engageWaiters: Waiter<EngageFrame>[] = [];
  private welcomeWaiter: Waiter<WelcomeFrame> | null = null;
  private engageCursor = 0;
  private resolveClosed!: (c: CloseInfo) => void;
  private stopped = false;
  private readonly reconnect: ReconnectOptions | null;

  private constructor(
    private readonly url: string,
    private readonly origin: string | undefined,
    private readonly opts: VisitorClientOptions,
  ) {
    super();
    this.closed = new Promise((r) => {
      this.resolveClosed = r;
    });
    this.reconnect =
      opts.reconnect === true ? RECONNECT : opts.reconnect ? { ...RECONNECT, ...opts.reconnect } : null;
    this.on('error', () => {}); // error frames are kept in `errors`; no listener must not throw
  }

  /** Opens `/v1/visitor?siteKey=KEY` on `baseUrl` (http(s) or ws(s)) with the given `Origin`. */
  static async connect(
    baseUrl: string,
    siteKey: string,
    origin?: string,
    opts: VisitorClientOptions = {},
  ): Promise<VisitorClient> {
    const url = new URL(VISITOR_PATH, wsUrl(baseUrl));
    url.searchParams.set('siteKey', siteKey);
    const client = new VisitorClient(url.toString(), origin, opts);
    await client.open();
    return client;
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Says who the visitor is; resolves with the server's welcome (session id, returning). */
  hello(init: HelloInit, timeoutMs = 5000): Promise<WelcomeFrame> {
    this.helloFrame = { type: 'hello', ...init };
    const p = new Promise<WelcomeFrame>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no welcome in time')), timeoutMs);
      this.welcomeWaiter = { resolve, reject, timer };
    });
    this.ws.send(JSON.stringify(this.helloFrame));
    return p;
  }

  /** Sends a batch without waiting; returns its id. */
  send(events: VisitorEvent[], id = newBatchId()): string {
    const text = JSON.stringify({ type: 'batch', id, events });
    this.unacked.set(id, text);
    if (this.isOpen) this.ws.send(text);
    return id;
  }

  /** Sends a batch and resolves when the server acknowledges it. */
  sendBatch(events: VisitorEvent[], id = newBatchId()): Promise<AckFrame> {
    const p = this.waitAck(id);
    this.send(events, id);
    return p;
  }

  /** Resolves with the next engage frame not yet returned by this method (including ones already received). */
  nextEngage(timeoutMs = 5000): Promise<EngageFrame> {
    if (this.engageCursor < this.engages.length) return Promise.resolve(this.engages[this.engageCursor++]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.engageWaiters = this.engageWaiters.filter((w) => w.timer !== timer);
        reject(new Error(`no engage frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.engageWaiters.push({ resolve, reject, timer });
    });
  }

  /** Sends anything as-is (hostile-input tests). */
  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Closes for good (no reconnect). */
  close(code = 1000, reason = 'bye'): Promise<CloseInfo> {
    this.stopped = true;
    if (this.ws.readyState === WebSocket.CLOSED) return this.closed;
    this.ws.close(code, reason);
    return this.closed;
  }

  /** Drops the socket without a closing handshake (simulates a lost network; reconnect applies). */
  drop(): void {
    this.ws.terminate();
  }

  private waitAck(id: string, timeoutMs = this.opts.ackTimeoutMs ?? 10_000): Promise<AckFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`no ack for batch ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.acks.set(id, { resolve, reject, timer });
    });
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, {
        ...(this.origin ? { origin: this.origin } : {}),
        headers: this.opts.headers,
        ...(this.opts.localAddress ? { localAddress: this.opts.localAddress } : {}),
        perMessageDeflate: false,
        autoPong: this.opts.answerPings ?? true,
      });
      this.ws = ws;
      let opened = false;
      ws.on('open', () => {
        opened = true;
        resolve();
      });
      ws.on('error', (err) => {
        if (opened) return;
        const m = /Unexpected server response: (\d+)/.exec(err.message);
        reject(m ? new UpgradeRefusedError(Number(m[1])) : err);
      });
      ws.on('message', (data) => this.onFrame(String(data)));
      ws.on('close', (code, reason) => {
        if (opened) this.onClose({ code, reason: reason.toString() });
      });
    });
  }

  private onFrame(text: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      return;
    }
    switch (frame.type) {
      case 'ack': {
        this.unacked.delete(frame.id);
        const w = this.acks.get(frame.id);
        if (w) {
          clearTimeout(w.timer);
          this.acks.delete(frame.id);
          w.resolve(frame);
        }
        return;
      }
      case 'welcome': {
        this.welcome = frame;
        const w = this.welcomeWaiter;
        this.welcomeWaiter = null;
        if (w) {
          clearTimeout(w.timer);
          w.resolve(frame);
        }
        this.emit('welcome', frame);
        return;
      }
      case 'engage': {
        this.engages.push(frame);
        const w = this.engageWaiters.shift();
        if (w) {
          clearTimeout(w.timer);
          this.engageCursor++;
          w.resolve(frame);
        }
        this.emit('engage', frame);
        return;
      }
      case 'error':
        this.errors.push(frame);
        this.emit('error', frame);
        return;
    }
  }

  private onClose(info: CloseInfo): void {
    if (!this.stopped && this.reconnect && !FINAL.has(info.code)) {
      void this.reconnectLoop(info);
      return;
    }
    this.finish(info);
  }

  private async reconnectLoop(last: CloseInfo): Promise<void> {
    const r = this.reconnect!;
    for (let attempt = 1; attempt <= r.maxAttempts && !this.stopped; attempt++) {
      const base = Math.min(r.maxDelayMs, r.minDelayMs * 2 ** (attempt - 1));
      await new Promise((res) => setTimeout(res, base / 2 + Math.random() * (base / 2)));
      try {
        await this.open();
        this.emit('reconnect', attempt);
        if (this.helloFrame) await this.hello(this.helloFrame);
        for (const text of this.unacked.values()) this.ws.send(text);
        return;
      } catch {
        // try again after a longer pause
      }
    }
    this.finish(last);
  }

  private finish(info: CloseInfo): void {
    const err = new Error(`connection closed (${info.code} ${info.reason})`);
    for (const w of this.acks.values()) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.acks.clear();
    for (const w of this.engageWaiters) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.engageWaiters = [];
    if (this.welcomeWaiter) {
      clearTimeout(this.welcomeWaiter.timer);
      this.welcomeWaiter.reject(err);
      this.welcomeWaiter = null;
    }
    this.emit('close', info);
    this.resolveClosed(info);
  }
}
