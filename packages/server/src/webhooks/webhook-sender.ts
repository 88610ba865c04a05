import http from 'node:http';
import https from 'node:https';
import type { AttemptResult } from '../store/webhooks-repo.ts';
import { checkLiteralHost, guardedLookup } from './address-guard.ts';
import type { WebhookOptions } from './webhook-config.ts';

/** The most of an answer's body read (and kept, as an excerpt) per attempt. */
export const EXCERPT_BYTES = 1024;

export interface PostResult extends AttemptResult {
  ok: boolean;
}

/**
 * Posts one delivery: addresses checked after DNS resolution and on the connection made
 * (`guardedLookup`), a connect timeout and a deadline for the whole attempt (a receiver
 * answering byte by byte is cut off), redirects never followed, and at most `EXCERPT_BYTES` of
 * the answer read. Success is a 2xx status.
 */
export class WebhookSender {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly lookup;

  constructor(
    private readonly opts: Pick<WebhookOptions, 'allowPrivate' | 'connectTimeoutMs' | 'timeoutMs'>,
    /** The most of an answer's body read (a bot's answer is read whole, up to its own limit). */
    private readonly maxBytes = EXCERPT_BYTES,
  ) {
    this.lookup = guardedLookup(opts.allowPrivate);
  }

  post(target: string, headers: Record<string, string>, body: string): Promise<PostResult> {
    const started = performance.now();
    const done = (r: Omit<PostResult, 'durationMs'>): PostResult => ({
      ...r,
      durationMs: Math.round(performance.now() - started),
    });
    let url: URL;
    try {
      url = new URL(target);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('only http and https URLs');
      checkLiteralHost(url, this.opts.allowPrivate);
    } catch (err) {
      return Promise.resolve(done({ ok: false, status: null, excerpt: null, error: (err as Error).message }));
    }
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      let status: number | null = null;
      const chunks: Buffer[] = [];
      let bytes = 0;
      const finish = (error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearTimeout(connectTimer);
        const excerpt = bytes > 0 ? Buffer.concat(chunks).subarray(0, this.maxBytes).toString('utf8') : null;
        const ok = error === null && status !== null && status >= 200 && status < 300;
        resolve(done({ ok, status, excerpt, error: ok ? null : (error ?? `HTTP ${status}`) }));
      };
      const req = lib.request(url, {
        method: 'POST',
        agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
        lookup: this.lookup,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Beckon-Webhooks/1',
        },
      });
      const deadline = setTimeout(() => {
        const why =
          status === null
            ? `no answer within ${this.opts.timeoutMs} ms`
            : `the answer's body was cut off after ${this.opts.timeoutMs} ms`;
        // A 2xx whose body trickles in still counts: the receiver took the event.
        if (status !== null && status >= 200 && status < 300) finish(null);
        else finish(why);
        req.destroy();
      }, this.opts.timeoutMs);
      const connectTimer = setTimeout(() => {
        finish(`could not connect within ${this.opts.connectTimeoutMs} ms`);
        req.destroy();
      }, this.opts.connectTimeoutMs);
      req.on('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else
          socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () =>
            clearTimeout(connectTimer),
          );
      });
      req.on('error', (err) => finish(err.message));
      req.on('response', (res) => {
        status = res.statusCode ?? null;
        if (status !== null && status >= 300 && status < 400) {
          const where = res.headers.location ? ` to ${String(res.headers.location).slice(0, 200)}` : '';
          res.destroy();
          return finish(`redirect${where} not followed (HTTP ${status})`);
        }
        res.on('data', (c: Buffer) => {
          if (bytes < this.maxBytes) chunks.push(c);
          bytes += c.length;
          // Enough to show: the rest is not read (the socket is not reused).
          if (bytes >= this.maxBytes) {
            res.destroy();
            finish(null);
          }
        });
        res.on('end', () => finish(null));
        res.on('error', () => finish(null));
      });
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
