import {
  ChatErrorCode,
  CloseCode,
  MAX_CHAT_FRAME_BYTES,
  type ParsedFrame,
} from '@beckon/protocol/chat-protocol';
import type { WebSocket } from 'ws';
import type { RateLimit } from '../engagement/engagement-config.ts';
import { TokenBucket } from '../engagement/rate-limiter.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Heartbeat } from '../realtime/heartbeat.ts';
import type { KeyedLimiter, SocketCaps } from './chat-limits.ts';
import { closeWith, errorFrame, frameText, sendFrame } from './chat-socket.ts';

/** Why a chat socket refused a frame or closed: the `reason` of `beckon_ws_rejected_total`. */
export const CHAT_REFUSALS = [
  'socket_rate',
  'address_rate',
  'user_rate',
  'flood',
  'typing_rate',
  'queue_full',
  'bad_frame',
  'binary_frame',
  'frame_too_large',
  'hello_required',
  'hello_timeout',
  'heartbeat_timeout',
  'unauthorized',
  'forbidden',
  'start_rate',
  'too_many_sockets',
] as const;
export type ChatRefusal = (typeof CHAT_REFUSALS)[number];

/** Frames refused for rate that a socket is forgiven (one more each second) before it is closed with 4429. */
export const FLOOD_REFUSALS = 20;

/** How a failed authentication closes a socket, by the error's HTTP status (any other: 4400). */
const AUTH_REFUSALS: Record<number, [ChatRefusal, number]> = {
  401: ['unauthorized', CloseCode.Unauthorized],
  403: ['forbidden', CloseCode.Forbidden],
  429: ['start_rate', CloseCode.RateLimited],
};

/** A node's limits for one kind of chat socket (visitor or agent). */
export interface SocketLimits {
  /** Each socket's own frame budget. */
  frames: RateLimit;
  /** Budgets shared by the sockets of one address (visitors) or one agent. */
  shared: KeyedLimiter;
  /** Typing signals relayed per socket and conversation. */
  typing: RateLimit;
  /** Caps on open sockets: per client address, and per owner (a visitor's conversation, an agent). */
  sockets: { perAddress: SocketCaps; perOwner: SocketCaps };
  /** Pings the sockets (the visitor tag's, `BECKON_HEARTBEAT_MS`); one that stops answering is closed with 4408. */
  heartbeat: Heartbeat;
  /** Counts a refusal in /metrics. */
  count: (reason: ChatRefusal) => void;
}

/** What names a frame — its `echoId`, `ref` and conversation — parsed or not, for the error frame refusing it. */
export type FrameIds = { echoId?: string; ref?: string; conversationId?: string };

/** The ids of a frame (see FrameIds), so a client can tell which of its requests was refused. */
function frameIds(parsed: ParsedFrame<object>): FrameIds {
  const source = (parsed.ok ? parsed.frame : parsed) as Record<string, unknown>;
  const ids: FrameIds = {};
  for (const key of ['echoId', 'ref', 'conversationId'] as const) {
    const v = source[key];
    if (typeof v === 'string') ids[key] = v;
  }
  return ids;
}

const frameBytes = (data: unknown, text: string): number =>
  Buffer.isBuffer(data) ? data.length : Buffer.byteLength(text);

/**
 * What every frame of a chat socket passes before it is acted on: text only (4400), at most
 * MAX_CHAT_FRAME_BYTES (1009, as `ws` closes the visitor socket's oversized frames), and a budget
 * of frames — the socket's own token bucket and one it shares with the other sockets of its
 * address or agent. A frame over budget is answered with a `rate_limited` error frame and not
 * acted on (a send is not stored; the client sends it again later); a client that keeps going,
 * more than FLOOD_REFUSALS refusals, is closed with 4429. Every refusal is counted.
 *
 * The guard also watches that the other side is still there: the socket is pinged, and one that
 * stops answering (a laptop lid closed, a network gone) is closed with 4408 — and ended at once,
 * not when the close handshake a dead peer never answers times out, so an agent stops being
 * offered chats and their pending offers go back to the queue.
 */
export class SocketGuard {
  private readonly own: TokenBucket;
  private readonly strikes: TokenBucket;
  private shared?: { bucket: TokenBucket; reason: 'address_rate' | 'user_rate' };
  /** The socket caps this socket is counted in, let go when it ends. */
  private readonly held: Array<() => void> = [];
  private readonly count: (reason: ChatRefusal) => void;
  private ended = false;

  /**
   * `onEnd` runs once, when the socket closed or stopped answering pings (`silent`: its peer is
   * gone, no reconnect is coming soon): the connection's cleanup.
   */
  constructor(
    private readonly ws: WebSocket,
    private readonly limits: SocketLimits,
    private readonly onEnd: (silent: boolean) => void,
  ) {
    const now = Date.now();
    this.count = limits.count;
    this.own = new TokenBucket(limits.frames, now);
    this.strikes = new TokenBucket({ rate: 1, burst: FLOOD_REFUSALS }, now);
    // ws closes the socket itself (1009) when a frame exceeds its maxPayload, and reports it here.
    ws.on('error', (err: Error & { code?: string }) =>
      this.count(err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'frame_too_large' : 'bad_frame'),
    );
    ws.on('close', () => this.end());
    limits.heartbeat.add(ws, () => {
      this.refuse('heartbeat_timeout', CloseCode.Timeout, ChatErrorCode.Timeout, 'heartbeat timeout');
      this.end(true);
    });
  }

  /** The socket is done with: no more pings, its shared budget let go, the connection cleaned up (once). */
  private end(silent = false): void {
    if (this.ended) return;
    this.ended = true;
    this.limits.heartbeat.remove(this.ws);
    this.release();
    for (const letGo of this.held.splice(0)) letGo();
    this.onEnd(silent);
  }

  /**
   * Counts this socket in `caps` under `key` until it ends; when the key is at its cap, refuses the
   * socket (an error frame, then 4429) and answers false.
   */
  cap(caps: SocketCaps, key: string, what: 'address' | 'conversation' | 'user'): boolean {
    if (this.ended) return false;
    if (caps.acquire(key)) {
      this.held.push(() => caps.release(key));
      return true;
    }
    this.refuse(
      'too_many_sockets',
      CloseCode.RateLimited,
      ChatErrorCode.RateLimited,
      `too many open sockets for this ${what} (at most ${caps.max})`,
    );
    return false;
  }

  /** Spends from the budget of `key` too (an address or an agent), held until `release`. */
  share(key: string, reason: 'address_rate' | 'user_rate'): void {
    this.release();
    const bucket = this.limits.shared.bucket(key);
    bucket.refs++;
    this.shared = { bucket, reason };
  }

  /** Lets go of the shared budget (the socket ended, or shares another). */
  private release(): void {
    if (this.shared) this.shared.bucket.refs--;
    this.shared = undefined;
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** The text of an incoming frame; undefined when the socket is closing or the frame was refused. */
  text(data: unknown, isBinary: boolean): string | undefined {
    if (!this.open) return undefined;
    const text = isBinary ? undefined : frameText(data, false);
    if (text === undefined) {
      this.refuse('binary_frame', CloseCode.BadFrame, ChatErrorCode.BadFrame, 'text frames only');
      return undefined;
    }
    if (frameBytes(data, text) > MAX_CHAT_FRAME_BYTES) {
      const message = `a frame may have at most ${MAX_CHAT_FRAME_BYTES} bytes`;
      this.refuse('frame_too_large', CloseCode.TooLarge, ChatErrorCode.FrameTooLarge, message);
      return undefined;
    }
    return text;
  }

  /** Spends one frame; false when it is over budget (answered with an error frame naming the frame's ids). */
  spend(frame: ParsedFrame<object>, now = Date.now()): boolean {
    const reason = !this.own.take(now)
      ? 'socket_rate'
      : this.shared && !this.shared.bucket.take(now)
        ? this.shared.reason
        : undefined;
    if (!reason) return true;
    this.count(reason);
    if (!this.strikes.take(now)) {
      this.refuse(
        'flood',
        CloseCode.RateLimited,
        ChatErrorCode.RateLimited,
        'too many frames; try again later',
      );
      return false;
    }
    sendFrame(this.ws, {
      type: 'error',
      code: ChatErrorCode.RateLimited,
      message: 'too many frames; slow down',
      ...frameIds(frame),
    });
    return false;
  }

  /** Keeps a frame that came before the socket was ready in `backlog`; past `max` of them, 4429. */
  hold(backlog: string[], raw: string, max: number): void {
    if (backlog.length < max) backlog.push(raw);
    else
      this.refuse(
        'queue_full',
        CloseCode.RateLimited,
        ChatErrorCode.RateLimited,
        'too many frames before the socket was ready',
      );
  }

  /** Answers a frame that breaks the protocol with an error frame naming it; the socket stays open. */
  invalid(failure: { message: string; echoId?: string; ref?: string }): void {
    const { message, echoId, ref } = failure;
    this.count('bad_frame');
    sendFrame(this.ws, { type: 'error', code: ChatErrorCode.BadFrame, message, echoId, ref });
  }

  /** Closes a socket that could not authenticate, after an error frame saying why (1011 for our own faults). */
  authFailed(err: unknown, log: Logger): void {
    if (err instanceof AppError) {
      const [reason, close] = AUTH_REFUSALS[err.status] ?? ['bad_frame', CloseCode.BadFrame];
      this.refuse(reason, close, err.code, err.message);
      return;
    }
    sendFrame(this.ws, errorFrame(err, log));
    closeWith(this.ws, 1011, 'internal error');
  }

  /** Counts a refusal, tells the client why in an error frame, then closes with `closeCode`. */
  refuse(reason: ChatRefusal, closeCode: number, code: string, message: string): void {
    if (this.ws.readyState !== this.ws.OPEN && this.ws.readyState !== this.ws.CONNECTING) return;
    this.count(reason);
    sendFrame(this.ws, { type: 'error', code, message });
    closeWith(this.ws, closeCode, message);
  }
}
