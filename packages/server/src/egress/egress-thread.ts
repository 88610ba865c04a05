import { RequestThread } from '../ops/request-thread.ts';
import type { Egress, EgressRequest, EgressResponse } from './egress.ts';
import { EgressError, type EgressErrorCode } from './egress-error.ts';

/** What makes a request to a configured URL: the `Egress`, or an `EgressThread` in front of it. */
export interface EgressRequester {
  request(target: string | URL, req: EgressRequest): Promise<EgressResponse>;
}

/** A request the egress thread makes: one without a signal or a stream of its answer. */
export interface ThreadRequest {
  url: string;
  req: Omit<EgressRequest, 'signal' | 'onData'>;
}

/** A failed request as the thread reports it: an `EgressError`'s fields, or only a message. */
export interface EgressFailure {
  message: string;
  code?: EgressErrorCode;
  status?: number | null;
  size?: number | null;
  requestSent?: boolean;
  stale?: boolean;
}

/**
 * Provider requests (a broadcast's WhatsApp and SMS messages, an agent's replies) made on a thread
 * of its own, through an `Egress` there with the node's settings: the same checks of every hop,
 * caps and deadline. Their HTTP client work and their answers' I/O took the socket thread, and the
 * chats beside a broadcast waited behind them (bench/notes.md, W12). The thread starts at the 20th
 * request and takes requests once it is ready: until then they go through the node's own
 * `Egress`, so a paced message does not wait for the thread's start and leave with the next one.
 * A request with a signal or a streamed answer, one after `close`, and every request of an
 * `Egress` a test gave its own resolver or connector, go through the node's own `Egress` too.
 * A thread gone with requests in hand fails them as possibly received (`requestSent`).
 */
export class EgressThread implements EgressRequester {
  private readonly thread: RequestThread<ThreadRequest, EgressResponse, EgressFailure, EgressResponse>;

  private constructor(private readonly local: Egress) {
    this.thread = new RequestThread({
      entry: new URL('./egress-thread-worker.js', import.meta.url),
      workerData: { options: local.options },
      // The body arrives as a copy of its bytes.
      value: (res) => {
        const body = res.body as Uint8Array;
        return { ...res, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
      },
      error: (e) =>
        e.code === undefined
          ? new Error(e.message)
          : Object.assign(new EgressError(e.code, e.message, e.status ?? null, e.size ?? null), {
              requestSent: e.requestSent === true,
              stale: e.stale === true,
            }),
      lost: (why) =>
        Object.assign(new EgressError('network', `the egress thread ${why}`), { requestSent: true }),
      onClose: 'terminate',
    });
  }

  /** The thread in front of `egress`, or `egress` itself when it is off or the egress was given test dependencies. */
  static for(egress: Egress): EgressRequester {
    return egress.options.thread === false || egress.custom ? egress : new EgressThread(egress);
  }

  request(target: string | URL, req: EgressRequest): Promise<EgressResponse> {
    if (req.signal || req.onData || typeof target !== 'string' || !this.thread.takes())
      return this.local.request(target, req);
    return this.thread.ask(
      { url: target, req },
      (err) => new EgressError('invalid_url', `the request could not be made: ${err.message}`),
    );
  }

  /** Starts the thread and resolves once it takes requests (tests; a warm start). */
  started(): Promise<void> {
    return this.thread.started();
  }

  /** New requests go through the node's own egress; the thread ends once those in hand are answered. */
  close(): void {
    this.thread.close();
  }
}
