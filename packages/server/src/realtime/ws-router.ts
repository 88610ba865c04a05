import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logger.ts';
import { hotCounter } from '../ops/hot-counter.ts';
import type { Metrics } from '../ops/metrics.ts';

/** Handles one accepted WebSocket; `endpoint` names it in metrics. */
export type WsHandler = (socket: WebSocket, req: IncomingMessage, url: URL) => void;

/**
 * Why a guard refused a connection: with `status`, before the upgrade (plain HTTP); with `close`,
 * after it — the socket is accepted, sent `frame` (if any) and closed with that code, because a
 * browser never sees an HTTP status of a refused upgrade (only 1006) and would retry forever.
 */
export type WsRefusal =
  | { status: number; reason: string }
  | { close: number; reason: string; frame?: string };

/** Refuses a connection (see WsRefusal) — e.g. unknown site key — or admits it (null). */
export type WsGuard = (req: IncomingMessage, url: URL) => Promise<WsRefusal | null>;

interface Route {
  endpoint: string;
  handler: WsHandler;
  guard?: WsGuard;
}

/** The largest frame the transport reads at all (256 KiB). */
export const MAX_TRANSPORT_FRAME = 256 * 1024;

/** Routes HTTP upgrades by path to WebSocket handlers on the node's one HTTP server (ws, no framework glue). */
export class WsRouter {
  private readonly routes = new Map<string, Route>();
  private readonly counters = new Map<
    string,
    { open: { inc(): void; dec(): void }; messagesIn: { inc(): void } }
  >();
  private readonly wss = new WebSocketServer({
    noServer: true,
    // Well above what any endpoint accepts (chat 32 KiB, visitor 64 KiB), so an oversized frame reaches the endpoint's
    // guard, which says `frame_too_large` before closing with 1009; past this the transport closes.
    maxPayload: MAX_TRANSPORT_FRAME,
    perMessageDeflate: false,
  });

  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** Serves WebSockets at exactly `path`. */
  route(path: string, endpoint: string, handler: WsHandler, guard?: WsGuard): void {
    this.routes.set(path, { endpoint, handler, guard });
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.upgrade(req, socket, head);
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.routes.get(url.pathname);
    const refuse = (status: number, reason: string, endpoint = 'unknown') => {
      this.metrics.wsRejected.inc({ endpoint, reason });
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!route) return refuse(404, 'Not Found');
    let refused: WsRefusal | null;
    try {
      refused = route.guard ? await route.guard(req, url) : null;
    } catch (err) {
      this.log.error({ err }, 'websocket guard failed');
      return refuse(500, 'Internal Server Error', route.endpoint);
    }
    if (refused && 'status' in refused) return refuse(refused.status, refused.reason, route.endpoint);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.track(ws, route.endpoint, !refused);
      if (refused) {
        this.metrics.wsRejected.inc({ endpoint: route.endpoint, reason: refused.reason });
        if (refused.frame) ws.send(refused.frame);
        ws.close(refused.close, refused.reason);
        return;
      }
      route.handler(ws, req, url);
    });
  }

  /**
   * Counts the socket open until it closes, and its frames. A method of its own, so these
   * listeners (alive as long as the socket) hold only the endpoint, not the upgrade request.
   */
  private track(ws: WebSocket, endpoint: string, countMessages: boolean): void {
    const counters = this.countersOf(endpoint);
    counters.open.inc();
    // A frame over the transport's limit: `ws` closes with 1009 itself, then reports 1006 here.
    let tooLarge = false;
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') tooLarge = true;
    });
    ws.on('close', (code) => {
      counters.open.dec();
      this.metrics.wsCloses.inc({ endpoint, code: String(tooLarge ? 1009 : code) });
    });
    if (countMessages) ws.on('message', () => counters.messagesIn.inc());
  }

  /** The endpoint's labelled series, bound once (the frame counter is a hot one: see hot-counter.ts). */
  private countersOf(endpoint: string) {
    let c = this.counters.get(endpoint);
    if (!c) {
      c = {
        open: this.metrics.wsConnections.labels({ endpoint }),
        messagesIn: hotCounter(this.metrics.wsMessages, { endpoint, direction: 'in' }),
      };
      this.counters.set(endpoint, c);
    }
    return c;
  }

  /**
   * Closes every socket with 1001 (going away) so clients reconnect elsewhere. Resolves once each
   * has closed, so its endpoint's cleanup has started; a peer that does not answer the close
   * within `graceMs` is cut.
   */
  async closeAll(graceMs = 2000): Promise<void> {
    const open = [...this.wss.clients];
    const closed = Promise.all(
      open.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) resolve();
            else ws.once('close', () => resolve());
          }),
      ),
    );
    for (const ws of open) ws.close(1001, 'server shutting down');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([closed, grace]);
    clearTimeout(timer);
    for (const ws of open) if (ws.readyState !== ws.CLOSED) ws.terminate();
    await closed;
  }

  get size(): number {
    return this.wss.clients.size;
  }
}
