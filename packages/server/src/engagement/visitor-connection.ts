import type { VisitorGeo } from '@beckon/core';
import {
  type BatchFrame,
  CloseCode,
  describeFrameError,
  ErrorCode,
  type HelloFrame,
  isClientFrame,
  MAX_FRAME_BYTES,
  salvageBatch,
} from '@beckon/protocol';
import type { Logger } from '../logger.ts';
import { sendText } from '../realtime/text-frames.ts';
import type { AckGate } from './ack-gate.ts';
import type { EngagementConfig } from './engagement-config.ts';
import type { EngagementMetrics, RefusalReason } from './engagement-metrics.ts';
import type { LiveVisitor, VisitorChannel, WebSocketLike } from './live-visitor.ts';
import type { TokenBucket } from './rate-limiter.ts';
import type { SiteInfo } from './site-directory.ts';
import type { Tracker } from './tracker.ts';

/** What every visitor connection shares (one object per node). */
export interface ConnectionDeps {
  tracker: Tracker;
  /** Holds acks back while the events writer is behind. */
  acks: AckGate;
  config: EngagementConfig;
  metrics: EngagementMetrics;
  log: Logger;
}

enum Phase {
  AwaitingHello = 0,
  Loading = 1,
  Ready = 2,
  Closed = 3,
}

const OPEN = 1;
/** Frames (and characters) a socket may send while its visitor is being restored. */
const MAX_QUEUED_FRAMES = 16;
const MAX_QUEUED_BYTES = 256 * 1024;

/**
 * The visitor protocol on one socket, independent of the transport: hello first (within the
 * timeout), then batches, each acknowledged; engage frames flow back. Every frame is rate-limited
 * (per address and per visitor) and validated by the protocol's compiled validator; hostile input
 * ends in an error frame or a close code, never an exception.
 */
export class VisitorConnection implements VisitorChannel {
  private phase = Phase.AwaitingHello;
  private live: LiveVisitor | null = null;
  /** Frames that arrived while the visitor was being restored, in order. */
  private queue: string[] = [];
  private queuedBytes = 0;
  private helloTimer: NodeJS.Timeout | null;
  private badFrames = 0;
  private finished = false;

  constructor(
    private readonly socket: WebSocketLike,
    private readonly site: SiteInfo,
    private readonly address: TokenBucket,
    /** Where the visitor is, from the connection's address (null: unknown). */
    private readonly geo: VisitorGeo | null,
    private readonly d: ConnectionDeps,
  ) {
    address.refs++;
    this.helloTimer = setTimeout(
      () => this.refuse('hello_timeout', CloseCode.Timeout, 'no hello in time'),
      d.config.helloTimeoutMs,
    );
    this.helloTimer.unref();
  }

  get open(): boolean {
    return this.phase !== Phase.Closed && this.socket.readyState === OPEN;
  }

  /** The visitor this socket speaks for (after hello). */
  get visitor(): LiveVisitor | null {
    return this.live;
  }

  send(text: string): void {
    sendText(this.socket, text);
  }

  /** One incoming frame (text, or binary which is refused). */
  message(data: Buffer | string, isBinary = false): void {
    if (this.phase === Phase.Closed) return;
    const now = Date.now();
    if (!this.address.take(now)) {
      this.refuse('address_rate', CloseCode.RateLimited, 'rate limited');
      return;
    }
    if (this.live && !this.live.frames.take(now)) {
      this.refuse('visitor_rate', CloseCode.RateLimited, 'rate limited');
      return;
    }
    if (isBinary) {
      this.refuse('binary_frame', CloseCode.BadFrame, 'text frames only');
      return;
    }
    if (data.length > MAX_FRAME_BYTES) {
      this.refuse('frame_too_large', CloseCode.TooLarge, `frame exceeds ${MAX_FRAME_BYTES} bytes`);
      return;
    }
    const raw = typeof data === 'string' ? data : data.toString('utf8');
    if (this.phase === Phase.Loading) {
      // The tag sends nothing before its welcome; anything else may queue only a little meanwhile.
      this.queuedBytes += raw.length;
      if (this.queue.length >= MAX_QUEUED_FRAMES || this.queuedBytes > MAX_QUEUED_BYTES) {
        this.refuse('queue_full', CloseCode.RateLimited, 'too many frames before welcome');
        return;
      }
      this.queue.push(raw);
      return;
    }
    this.handle(raw, now);
  }

  /** The socket closed (either side). */
  closed(): void {
    if (this.finished) return;
    this.finished = true;
    this.phase = Phase.Closed;
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    this.address.refs--;
    if (this.live) this.d.tracker.detach(this.live, this, Date.now());
    this.live = null;
  }

  /** The socket stopped answering pings: closed with 4408, and the visitor released at once. */
  heartbeatLost(): void {
    if (this.phase === Phase.Closed) return;
    this.d.metrics.refusals.inc({ reason: 'heartbeat_timeout' });
    this.close(CloseCode.Timeout, 'heartbeat timeout');
  }

  /** A transport-level refusal (e.g. the frame exceeded the socket's size limit). */
  refused(reason: RefusalReason): void {
    this.d.metrics.refusals.inc({ reason });
  }

  private handle(raw: string, now: number): void {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      this.refuse('bad_json', CloseCode.BadFrame, 'malformed JSON');
      return;
    }
    if (!isClientFrame(value)) {
      const salvaged = this.phase === Phase.Ready ? salvageBatch(value) : null;
      if (!salvaged) {
        this.badFrame(describeFrameError(value));
        return;
      }
      // The tag's other events stand; the refused ones are named, the batch acknowledged.
      this.d.metrics.refusals.inc({ reason: 'bad_event' }, salvaged.refused.length);
      const n = salvaged.refused.length;
      const message = `${n} event${n > 1 ? 's' : ''} refused, the rest kept: ${salvaged.refused.join('; ')}`;
      this.send(JSON.stringify({ type: 'error', code: ErrorCode.BadEvent, message: message.slice(0, 1000) }));
      this.batch(salvaged.frame, now, JSON.stringify(salvaged.frame));
      return;
    }
    if (value.type === 'hello') {
      this.hello(value, now);
      return;
    }
    if (this.phase !== Phase.Ready) {
      this.refuse('hello_required', CloseCode.BadFrame, 'send hello first');
      return;
    }
    this.batch(value, now, raw);
  }

  private hello(frame: HelloFrame, now: number): void {
    if (this.phase === Phase.Ready) {
      if (frame.visitorId !== this.live!.visitorId) {
        this.refuse('bad_frame', CloseCode.BadFrame, 'one visitor per connection');
        return;
      }
      this.d.tracker.hello(this.live!, this, frame, now, this.geo);
      return;
    }
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.helloTimer = null;
    this.phase = Phase.Loading;
    this.d.tracker.acquire(this.site, frame.visitorId, frame.device).then(
      (live) => {
        if (this.phase === Phase.Closed) return;
        this.live = live;
        this.phase = Phase.Ready;
        this.d.tracker.hello(live, this, frame, Date.now(), this.geo);
        const queued = this.queue;
        this.queue = [];
        this.queuedBytes = 0;
        for (const raw of queued) {
          if (this.phase !== Phase.Ready) break;
          this.handle(raw, Date.now());
        }
      },
      (err) => {
        this.d.log.error({ err, siteId: this.site.id }, 'visitor load failed');
        this.close(1011, 'try again later');
      },
    );
  }

  private batch(frame: BatchFrame, now: number, raw: string): void {
    this.d.tracker.applyBatch(this.live!, frame, this, now, raw);
    this.d.metrics.batchesWs.inc();
    // Batch ids are [A-Za-z0-9_-] by schema: safe to splice into JSON.
    const ack = `{"type":"ack","id":"${frame.id}"}`;
    this.d.acks.send(() => this.send(ack));
  }

  /** A frame that parsed but broke the schema: an error frame; too many (or before hello) closes. */
  private badFrame(message: string): void {
    this.d.metrics.refusals.inc({ reason: 'bad_frame' });
    this.badFrames++;
    this.send(JSON.stringify({ type: 'error', code: ErrorCode.BadFrame, message }));
    if (this.phase !== Phase.Ready || this.badFrames > this.d.config.maxBadFrames) {
      this.close(CloseCode.BadFrame, 'invalid frame');
    }
  }

  private refuse(reason: RefusalReason, code: number, text: string): void {
    this.d.metrics.refusals.inc({ reason });
    const errorCode =
      code === CloseCode.RateLimited
        ? ErrorCode.RateLimited
        : code === CloseCode.TooLarge
          ? ErrorCode.FrameTooLarge
          : code === CloseCode.Timeout || reason === 'hello_required'
            ? ErrorCode.NotHelloFirst
            : ErrorCode.BadFrame;
    this.send(JSON.stringify({ type: 'error', code: errorCode, message: text }));
    this.close(code, text);
  }

  private close(code: number, reason: string): void {
    if (this.phase === Phase.Closed) return;
    this.socket.close(code, reason);
    this.closed();
  }
}
