import WebSocket from 'ws';

/** Why a socket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** A frame the server answered with `error`. */
export class ChatRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The HTTP status, for requests made over REST. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ChatRequestError';
  }
}

/** A JSON-frame WebSocket over `ws`: send objects, listen to frames, wait for one, know how it closed. */
export class FrameSocket<In extends { type: string }> {
  private readonly listeners = new Set<(f: In) => void>();
  /** Resolves when the socket closes, with its close code and reason. */
  readonly closed: Promise<CloseInfo>;

  private constructor(
    readonly ws: WebSocket,
    /** Resolves once the socket is open (rejects if the upgrade fails). */
    readonly opened: Promise<void>,
  ) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    ws.on('error', () => {});
    ws.on('message', (data) => {
      let frame: In;
      try {
        frame = JSON.parse(data.toString()) as In;
      } catch {
        return;
      }
      for (const l of [...this.listeners]) l(frame);
    });
  }

  /**
   * Starts connecting and returns at once, so listeners can be attached before the first frame
   * arrives (it may come in the same packet as the upgrade answer); await `opened` next.
   */
  static connect<In extends { type: string }>(
    url: string,
    headers: Record<string, string> = {},
  ): FrameSocket<In> {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    opened.catch(() => {});
    return new FrameSocket<In>(ws, opened);
  }

  /** Calls `fn` for every frame; returns a function that stops it. */
  on(fn: (f: In) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The next frame matching `match`, or a rejection after `timeoutMs` or when the socket closes. */
  next<T extends In = In>(match: (f: In) => boolean, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on((f) => {
        if (!match(f)) return;
        clearTimeout(timer);
        off();
        resolve(f as T);
      });
      void this.closed.then((c) => {
        clearTimeout(timer);
        off();
        reject(new Error(`socket closed (${c.code} ${c.reason})`));
      });
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: object): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  /** Closes cleanly. */
  close(code = 1000): Promise<CloseInfo> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code);
    return this.closed;
  }

  /** Drops the connection without a close handshake (a network cut). */
  cut(): Promise<CloseInfo> {
    this.ws.terminate();
    return this.closed;
  }
}

/** A WebSocket URL for a path on an http(s) base URL. */
export const wsUrl = (base: string, path: string) =>
  `${base.replace(/^http/, 'ws').replace(/\/+$/, '')}${path}`;

let counter = 0;
/** A fresh client id for a message (its echoId) or a request (its ref). */
export const clientId = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A file to upload into a conversation. */
export interface UploadFile {
  bytes: Uint8Array;
  /** Shown to the other side; sent percent-encoded in `x-file-name`. */
  name: string;
  /** One of the accepted types (PNG, JPEG, GIF, WebP, PDF); the server checks it against the bytes. */
  contentType: string;
}

/** POSTs raw file bytes and returns the stored attachment, or throws the server's error. */
export async function uploadFile<T>(
  url: string,
  file: UploadFile,
  headers: Record<string, string>,
): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': file.contentType, 'x-file-name': encodeURIComponent(file.name) },
    body: file.bytes,
  });
  const body = (await res.json().catch(() => ({}))) as {
    attachment?: T;
    error?: { code: string; message: string };
  };
  if (!res.ok || !body.attachment) {
    throw new ChatRequestError(
      body.error?.code ?? 'http_error',
      body.error?.message ?? res.statusText,
      res.status,
    );
  }
  return body.attachment;
}
