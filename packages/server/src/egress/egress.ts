import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { ClientHttp2Session } from 'node:http2';
import https from 'node:https';
import { classifyHost } from './address-policy.ts';
import { type AddressPolicy, addressFor, portOf, type Resolver, systemResolver } from './egress-address.ts';
import { type Connector, egressAgents } from './egress-agents.ts';
import type { EgressOptions } from './egress-config.ts';
import { EgressError } from './egress-error.ts';
import { http2Session } from './egress-http2.ts';

/** One request to a configured URL, with its caps. */
export interface EgressRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The whole request, redirects and the answer's body included (ms). */
  timeoutMs: number;
  /** Each TCP (and TLS) connection (ms); the whole deadline when unset. */
  connectTimeoutMs?: number;
  /** The most of the answer's body read (bytes). */
  maxBytes: number;
  /** Past `maxBytes`: fail with `too_large` (default), or answer the first `maxBytes` (`cut`). */
  overflow?: 'error' | 'cut';
  /** `follow` (default: up to the node's cap, each hop checked), `manual` (answer the 3xx) or `error`. */
  redirect?: 'follow' | 'manual' | 'error';
  signal?: AbortSignal;
  /** Each piece of a 2xx answer's body as it arrives (a streamed answer), within `maxBytes`. */
  onData?: (chunk: Buffer) => void;
  /**
   * Sending it twice does no harm (a model's completion): when a kept-alive connection turns out
   * closed as the request is written into it, it is sent once more on a new connection. GET and
   * HEAD always are; a message, a webhook or a token exchange never is (the server may have read it).
   */
  repeatable?: boolean;
}

/** A whole answer (or its first `maxBytes`, when cut). */
export interface EgressResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body was longer than `maxBytes` and only its start is here. */
  cut: boolean;
  /** The URL that answered, after redirects. */
  url: string;
  redirected: boolean;
}

/** What a test may put in place of the real network: names it resolves, a connector, addresses it allows. */
export interface EgressDeps {
  resolve?: Resolver;
  connect?: Connector;
  /** Permits these address:port pairs although they are private (a test's one local server). */
  allow?: (address: string, port: number) => boolean;
  /** How long an idle kept-alive connection is kept (ms; `IDLE_MS` by default). */
  idleMs?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** How a kept-alive connection closed by the server shows when a request is written into it. */
const STALE = new Set(['ECONNRESET', 'EPIPE']);
/** Whether a request may be sent twice. */
const repeatable = (method: string, req: EgressRequest) =>
  req.repeatable === true || method === 'GET' || method === 'HEAD';
/** Headers that do not follow a redirect to another origin. */
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];

/** Reads a target as an http(s) URL (a saved URL was also refused with credentials in it: configured-url.ts). */
export function egressUrl(target: string | URL): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new EgressError('invalid_url', 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new EgressError('invalid_url', 'only http and https URLs');
  return url;
}

/**
 * The one way the server reaches a URL that someone configured (webhooks, provider base URLs,
 * push and bot webhooks, model servers, SSO issuers, provider media). Each hop's host is resolved
 * once and judged by the address policy; the connection goes to that checked address (the agents
 * check it again as they connect); redirects are followed only as the caller asks, up to a cap,
 * each checked like the first; a deadline covers the whole request, and the body is capped.
 */
export class Egress {
  readonly policy: AddressPolicy;
  private readonly resolve: Resolver;
  private readonly agents;
  private readonly connect: Connector | undefined;
  /** A test gave its own resolver, connector or allowed addresses: they stay on this thread. */
  readonly custom: boolean;

  constructor(
    readonly options: EgressOptions,
    deps: EgressDeps = {},
  ) {
    this.connect = deps.connect;
    this.custom = deps.resolve !== undefined || deps.connect !== undefined || deps.allow !== undefined;
    this.policy = { allowPrivate: options.allowPrivate, ...(deps.allow ? { allow: deps.allow } : {}) };
    this.resolve = deps.resolve ?? systemResolver;
    this.agents = egressAgents(this.policy, deps.connect, deps.idleMs);
  }

  /** The address a URL would be reached at, or `EgressError('private_address')` (saving a URL checks this). */
  async check(target: string | URL): Promise<void> {
    await addressFor(egressUrl(target), this.policy, this.resolve);
  }

  /** The address to connect to for a URL, checked (the HTTP/2 connector uses it). */
  addressOf(url: URL) {
    return addressFor(url, this.policy, this.resolve);
  }

  /** An HTTP/2 session to a configured base URL (APNs), its address checked like a request's. */
  async http2(target: string, timeoutMs: number): Promise<ClientHttp2Session> {
    const url = egressUrl(target);
    const timedOut = () => new EgressError('timeout', `could not connect within ${timeoutMs} ms`);
    const { address } = await withDeadline(this.addressOf(url), timeoutMs, timedOut);
    return http2Session(url, address, this.connect);
  }

  async request(target: string | URL, req: EgressRequest): Promise<EgressResponse> {
    let url = egressUrl(target);
    const deadline = Date.now() + req.timeoutMs;
    let method = (req.method ?? 'GET').toUpperCase();
    let body = req.body;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    for (let hops = 0; ; hops++) {
      const res = await this.once(url, method, headers, body, req, deadline).catch((err: unknown) => {
        // A kept-alive connection the server closed as this request went into it: once more, anew.
        if (!(err instanceof EgressError && err.stale && repeatable(method, req))) throw err;
        return this.once(url, method, headers, body, req, deadline);
      });
      const location = res.headers.location;
      if (!REDIRECTS.has(res.status) || !location || req.redirect === 'manual')
        return { ...res, url: url.href, redirected: hops > 0 };
      const where = String(location).slice(0, 200);
      if (req.redirect === 'error')
        throw new EgressError(
          'redirect',
          `redirect to ${where} not followed (HTTP ${res.status})`,
          res.status,
        );
      if (hops >= this.options.maxRedirects)
        throw new EgressError('redirect', `more than ${this.options.maxRedirects} redirects`, res.status);
      let next: URL;
      try {
        next = egressUrl(new URL(String(location), url));
      } catch {
        throw new EgressError('redirect', `redirect to ${where} is not an http(s) URL`, res.status);
      }
      if (next.origin !== url.origin) for (const h of CREDENTIALS) delete headers[h];
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      url = next;
    }
  }

  /** One hop: resolve and check, connect to the checked address, read the answer within the caps. */
  private async once(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    req: EgressRequest,
    deadline: number,
  ): Promise<Omit<EgressResponse, 'url' | 'redirected'>> {
    const left = () => deadline - Date.now();
    const timedOut = () => new EgressError('timeout', `no answer within ${req.timeoutMs} ms`);
    if (req.signal?.aborted) throw aborted(req.signal);
    const { address } = await withDeadline(this.addressOf(url), left(), timedOut);
    const tls = url.protocol === 'https:';
    const name = classifyHost(url.hostname);
    const lib = tls ? https : http;
    return new Promise((resolve, reject) => {
      let settled = false;
      let status: number | null = null;
      /** The request's last byte was handed to the connection ('finish'). */
      let written = false;
      const settle = (err: EgressError | null, value?: Omit<EgressResponse, 'url' | 'redirected'>) => {
        if (settled) return;
        settled = true;
        if (err) err.requestSent = written || status !== null;
        clearTimeout(deadlineTimer);
        clearTimeout(connectTimer);
        req.signal?.removeEventListener('abort', onAbort);
        if (err) {
          request.destroy();
          reject(err);
        } else resolve(value!);
      };
      const request = lib.request({
        protocol: url.protocol,
        host: address,
        port: portOf(url),
        path: `${url.pathname}${url.search}`,
        method,
        agent: tls ? this.agents.https : this.agents.http,
        ...(tls && name.kind !== 'address' ? { servername: url.hostname.replace(/\.+$/, '') } : {}),
        headers: {
          ...headers,
          host: url.host,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        },
      });
      const deadlineTimer = setTimeout(
        () =>
          settle(
            status === null
              ? timedOut()
              : new EgressError(
                  'body_timeout',
                  `the answer's body was cut off after ${req.timeoutMs} ms`,
                  status,
                ),
          ),
        Math.max(0, left()),
      );
      const connectMs = req.connectTimeoutMs ?? req.timeoutMs;
      const connectTimer = setTimeout(
        () => settle(new EgressError('connect_timeout', `could not connect within ${connectMs} ms`)),
        connectMs,
      );
      const onAbort = () => settle(aborted(req.signal!));
      req.signal?.addEventListener('abort', onAbort, { once: true });
      request.on('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once(tls ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      request.on('finish', () => {
        written = true;
      });
      request.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof EgressError) return settle(err);
        const failed = new EgressError('network', err.message, status);
        failed.stale = request.reusedSocket && status === null && STALE.has(err.code ?? '');
        settle(failed);
      });
      request.on('response', (res: IncomingMessage) => {
        status = res.statusCode ?? 0;
        const answer = (bytes: Buffer, cut: boolean) =>
          settle(null, {
            status: status!,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: bytes,
            cut,
          });
        // A redirect about to be followed: its body is of no use.
        if (REDIRECTS.has(status) && res.headers.location && req.redirect !== 'manual') {
          res.destroy();
          return answer(Buffer.alloc(0), false);
        }
        const announced = Number(res.headers['content-length']);
        if (req.overflow !== 'cut' && Number.isFinite(announced) && announced > req.maxBytes)
          return settle(tooLarge(announced, req.maxBytes, status, announced));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= req.maxBytes) {
            if (req.onData && status! >= 200 && status! < 300) req.onData(c);
            return void chunks.push(c);
          }
          if (req.overflow !== 'cut') return settle(tooLarge(size, req.maxBytes, status));
          chunks.push(c.subarray(0, c.length - (size - req.maxBytes)));
          // Enough read: the rest is not (the socket is not reused).
          res.destroy();
          answer(Buffer.concat(chunks), true);
        });
        res.on('end', () => answer(Buffer.concat(chunks), false));
        res.on('error', (err) =>
          settle(new EgressError('network', `the answer broke off (${err.message})`, status)),
        );
        res.on('close', () => {
          if (!res.complete) settle(new EgressError('network', 'the answer broke off', status));
        });
      });
      request.end(body);
    });
  }

  /** Closes idle connections (on shutdown). */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function tooLarge(
  size: number,
  max: number,
  status: number | null,
  announced: number | null = null,
): EgressError {
  return new EgressError(
    'too_large',
    `the answer is larger than ${max} bytes (${size} or more)`,
    status,
    announced,
  );
}

function aborted(signal: AbortSignal): EgressError {
  const reason = signal.reason as Error | undefined;
  const err = new EgressError('aborted', reason?.message ?? 'aborted');
  // `fetch` callers tell a timeout from a cancel by the name (AbortSignal.timeout's reason is a TimeoutError).
  if (reason?.name === 'TimeoutError') err.name = 'TimeoutError';
  return err;
}

async function withDeadline<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(error()), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
