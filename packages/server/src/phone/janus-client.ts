import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** A JSEP description as Janus carries it beside a plugin message. */
export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

/** An asynchronous event of one handle: a plugin's data (with its JSEP), or a core event (`webrtcup`, `hangup`, `media`). */
export interface HandleEvent {
  janus: string;
  data?: Record<string, unknown>;
  jsep?: Jsep;
  reason?: string;
}

interface Reply {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  reason?: string;
}

/** How long a request waits for Janus's answer (ms). */
const REQUEST_MS = 10_000;
/** Janus drops a session after 60 s without a request; a keepalive every 25 s holds it. */
const KEEPALIVE_MS = 25_000;

export class JanusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Janus's JSON API over its WebSocket (`janus-protocol`): sessions, plugin handles, messages
 * with a JSEP, trickled candidates. A request resolves on its answer (`success`, or for a plugin
 * message the `ack` — the plugin's reply arrives later as an event of the handle). Only signalling
 * passes here; media goes between the browser and Janus, and between Janus and the trunk.
 */
export class JanusClient {
  private readonly pending = new Map<string, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private readonly handles = new Map<number, (e: HandleEvent) => void>();
  private readonly keepalives = new Map<number, NodeJS.Timeout>();
  private closedBy: Error | null = null;
  /** Called once when the socket closes (Janus stopped, the network broke). */
  onClose: (err: Error) => void = () => {};

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => this.receive(raw.toString()));
    ws.on('close', () => this.fail(new Error('the Janus gateway closed the connection')));
    ws.on('error', (err) => this.fail(err));
  }

  /** Connects to `url` (`ws://host:port`); rejects when nothing answers within the request time. */
  static connect(url: string): Promise<JanusClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'janus-protocol', { handshakeTimeout: REQUEST_MS });
      ws.once('open', () => resolve(new JanusClient(ws)));
      ws.once('error', reject);
    });
  }

  get open(): boolean {
    return this.closedBy === null && this.ws.readyState === WebSocket.OPEN;
  }

  /** A new session, kept alive until `destroySession` or the socket closes. */
  async createSession(): Promise<number> {
    const r = await this.request({ janus: 'create' });
    const id = r.data!.id!;
    const timer = setInterval(
      () => void this.request({ janus: 'keepalive', session_id: id }).catch(() => {}),
      KEEPALIVE_MS,
    );
    timer.unref();
    this.keepalives.set(id, timer);
    return id;
  }

  async destroySession(sessionId: number): Promise<void> {
    clearInterval(this.keepalives.get(sessionId));
    this.keepalives.delete(sessionId);
    await this.request({ janus: 'destroy', session_id: sessionId }).catch(() => {});
  }

  /** Attaches a plugin handle; `onEvent` receives its asynchronous events. */
  async attach(sessionId: number, plugin: string, onEvent: (e: HandleEvent) => void): Promise<number> {
    const r = await this.request({ janus: 'attach', session_id: sessionId, plugin });
    const id = r.data!.id!;
    this.handles.set(id, onEvent);
    return id;
  }

  async detach(sessionId: number, handleId: number): Promise<void> {
    this.handles.delete(handleId);
    await this.request({ janus: 'detach', session_id: sessionId, handle_id: handleId }).catch(() => {});
  }

  /** Sends a plugin message (with a JSEP when it carries one); its result arrives as a handle event. */
  async message(sessionId: number, handleId: number, body: object, jsep?: Jsep): Promise<void> {
    await this.request({
      janus: 'message',
      session_id: sessionId,
      handle_id: handleId,
      body,
      ...(jsep ? { jsep } : {}),
    });
  }

  /** Hands Janus one of the browser's ICE candidates, or `null` once the browser has no more. */
  async trickle(sessionId: number, handleId: number, candidate: object | null): Promise<void> {
    await this.request({
      janus: 'trickle',
      session_id: sessionId,
      handle_id: handleId,
      candidate: candidate ?? { completed: true },
    });
  }

  close(): void {
    for (const t of this.keepalives.values()) clearInterval(t);
    this.keepalives.clear();
    this.ws.close();
  }

  private request(payload: Record<string, unknown>): Promise<Reply> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    const transaction = randomUUID();
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError(0, `Janus did not answer ${String(payload.janus)} in time`));
      }, REQUEST_MS);
      this.pending.set(transaction, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify({ ...payload, transaction }));
    });
  }

  private receive(raw: string): void {
    let r: Reply;
    try {
      r = JSON.parse(raw) as Reply;
    } catch {
      return;
    }
    const waiting = r.transaction ? this.pending.get(r.transaction) : undefined;
    // A plugin's synchronous answer, or the ack of an asynchronous one, settles the request;
    // the plugin's own event that follows with the same transaction goes to the handle.
    if (waiting && r.janus !== 'event') {
      this.pending.delete(r.transaction!);
      if (r.janus === 'error') waiting.reject(new JanusError(r.error?.code ?? 0, r.error?.reason ?? 'error'));
      else waiting.resolve(r);
      return;
    }
    if (r.sender === undefined) return;
    const onEvent = this.handles.get(r.sender);
    if (!onEvent) return;
    onEvent({
      janus: r.janus,
      ...(r.plugindata ? { data: r.plugindata.data } : {}),
      ...(r.jsep ? { jsep: r.jsep } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    });
  }

  private fail(err: Error): void {
    if (this.closedBy) return;
    this.closedBy = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const t of this.keepalives.values()) clearInterval(t);
    this.keepalives.clear();
    this.onClose(err);
  }
}
