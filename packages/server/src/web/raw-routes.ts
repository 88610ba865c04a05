import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A handler that may answer a request before Fastify sees it; answers false to leave it to Fastify.
 * It owns the response once it answers true.
 */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Requests served on the node's HTTP server ahead of Fastify: a path so hot (providers' webhook
 * deliveries) that Fastify's hooks, body parsing and schema conversion were a large share of its
 * cost. Everything else, and requests made with `app.inject`, go through Fastify as before.
 */
export class RawRoutes {
  private readonly handlers: RawHandler[] = [];

  add(handler: RawHandler): void {
    this.handlers.push(handler);
  }

  /** Whether a raw handler took the request. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    for (const h of this.handlers) if (h(req, res)) return true;
    return false;
  }
}

/** Sends a JSON (or other) answer with its length, as Fastify would. */
export function sendRaw(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'application/json; charset=utf-8',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/**
 * Reads a request's body up to `limit` bytes. Resolves with the bytes, or with null when it is too
 * large (declared or sent); rejects when the client goes away.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('the client went away')));
  });
}
