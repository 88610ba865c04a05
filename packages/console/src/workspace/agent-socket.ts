/**
 * The console's connection to `/v1/agent`: JSON frames over one WebSocket authenticated by the
 * session cookie, kept alive with pings, reopened with backoff after a cut. A 4401 means the
 * session ended and a 4403 that this user may not take chats; neither is retried. A 4429 (too many
 * frames) is retried only after a long pause.
 */
import type { AgentServerFrame } from '@beckon/protocol/chat-protocol';
import { CLOSE_RATE_LIMITED, reconnectDelay } from './reconnect-delay.ts';

export type SocketEvent =
  | { kind: 'open' }
  | { kind: 'frame'; frame: AgentServerFrame }
  /** Reconnecting in `retryInMs`; `rateLimited`: the server closed with 4429 and the pause is a long one. */
  | { kind: 'down'; retryInMs: number; rateLimited: boolean }
  | { kind: 'refused'; code: number; reason: string };

const PING_EVERY_MS = 25_000;
/** No answer to a ping within this long: the connection is dead even if the browser has not noticed. */
const PONG_WITHIN_MS = 10_000;

/** Where the agent socket lives for a page served by the Beckon server. */
export function agentSocketUrl(location: Location = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/agent`;
}

export class AgentSocket {
  private ws: WebSocket | null = null;
  private failures = 0;
  private stopped = false;
  private retryTimer: number | undefined;
  /** Until then (ms) the server asked for a pause (4429): not even a network change reconnects sooner. */
  private pausedUntil = 0;
  private pingTimer: number | undefined;
  private pongTimer: number | undefined;

  constructor(
    private readonly url: string,
    private readonly onEvent: (e: SocketEvent) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame; false when the socket is down (the caller keeps it for after the reconnect). */
  send(frame: object): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Drops the connection now and reconnects at once (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this.stopped || this.open || Date.now() < this.pausedUntil) return;
    window.clearTimeout(this.retryTimer);
    this.failures = 0;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.clearKeepAlive();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'console closed');
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.failures = 0;
      this.onEvent({ kind: 'open' });
      this.keepAlive();
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let frame: AgentServerFrame;
      try {
        frame = JSON.parse(event.data) as AgentServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'pong') window.clearTimeout(this.pongTimer);
      this.onEvent({ kind: 'frame', frame });
    };
    ws.onclose = (event) => this.closed(ws, event.code, event.reason, opened);
  }

  private closed(ws: WebSocket, code: number, reason: string, opened: boolean): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.clearKeepAlive();
    if (this.stopped) return;
    if (code === 4401 || code === 4403) {
      this.stopped = true;
      this.onEvent({ kind: 'refused', code, reason });
      return;
    }
    if (!opened) this.failures++;
    const retryInMs = reconnectDelay(code, opened, this.failures);
    const rateLimited = code === CLOSE_RATE_LIMITED;
    this.pausedUntil = rateLimited ? Date.now() + retryInMs : 0;
    this.onEvent({ kind: 'down', retryInMs, rateLimited });
    this.retryTimer = window.setTimeout(() => this.connect(), retryInMs);
  }

  private keepAlive(): void {
    this.clearKeepAlive();
    this.pingTimer = window.setInterval(() => {
      if (!this.send({ type: 'ping' })) return;
      window.clearTimeout(this.pongTimer);
      this.pongTimer = window.setTimeout(() => {
        // A dead link can take minutes to report its close; give up on it now.
        const ws = this.ws;
        if (!ws) return;
        ws.onclose = null;
        ws.close(4000, 'no pong');
        this.closed(ws, 4000, 'no pong', true);
      }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  private clearKeepAlive(): void {
    window.clearInterval(this.pingTimer);
    window.clearTimeout(this.pongTimer);
  }
}
