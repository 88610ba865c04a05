import { Emitter } from './emitter.ts';
import { EventQueue, type QueuedEvent } from './event-queue.ts';
import { globalSocketFactory, SOCKET_OPEN, type SocketFactory, type SocketLike } from './socket.ts';
import { memoryStorage, type StorageAdapter } from './storage.ts';
import { type AppEngagement, type EngageServerFrame, MessagingError } from './wire.ts';

/**
 * App behaviour for campaigns, and the engagements they decide, over the `/v1/visitor` socket the
 * web tag uses: the server keeps one session per app user as it does per browser, targets it, and
 * counts exposures, answers and conversions the same way. Every call queues an event durably
 * (`EventQueue`); batches leave in order, paced under the server's rate limit, and are resent
 * after a cut or a restart with the same id, which the server applies once.
 */

export interface AppTrackerOptions {
  /** The Beckon server, e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** The site's public key. */
  siteKey: string;
  platform: 'ios' | 'android';
  /** The app's version, e.g. `3.2.0` (campaigns read it as `app.version`). */
  appVersion: string;
  /** Default `mobile`. */
  device?: 'mobile' | 'tablet';
  /** The cart's currency when `cart()` names none (ISO 4217; default `USD`). */
  currency?: string;
  /** Where the queue and the app's visitor id outlive a restart; default: memory. */
  storage?: StorageAdapter;
  /** Opens sockets; default: `globalThis.WebSocket` (in Node use `@beckon/sdk/node`). */
  socketFactory?: SocketFactory;
  /** Reconnect after a dropped socket (default true). */
  reconnect?: boolean;
  /** How long events gather into one batch before it leaves (default 100 ms). */
  flushMs?: number;
  /** Batches sent per second at most, and at once (default 15 and 40: under the server's 20 and 100). */
  batchesPerSecond?: number;
  burst?: number;
  /** Batches sent and not yet acknowledged at most (default 16). */
  window?: number;
}

export type AppTrackerEvents = {
  /** A campaign's engagement to show now; answer with `accept(id)` or `decline(id)`. */
  engagement: (engagement: AppEngagement) => void;
  /** The engagement shown under this id is taken back (its campaign's condition no longer holds). */
  withdraw: (id: string) => void;
  connection: (state: 'connecting' | 'open' | 'closed') => void;
  /** A refusal to act on, such as `identity_unverified` (a forged userHash). */
  error: (error: MessagingError) => void;
};

/** One line of a cart or an order. */
export interface CartItem {
  sku: string;
  name?: string;
  price: number;
  quantity: number;
}

/** Close codes after which reconnecting cannot help (bad frame, forbidden site key, too large). */
const FINAL_CLOSES = new Set([1009, 4400, 4403]);

const newVisitorId = (): string => {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  const raw = c?.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  return `app_${raw.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}`;
};

const timeZone = (): string | undefined => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
};

const clip = (s: string, max = 64): string => s.slice(0, max);

export class AppTracker extends Emitter<AppTrackerEvents> {
  /** Resolves once the queue of an earlier run is loaded and the socket is opening. */
  readonly ready: Promise<void>;
  private readonly queue: EventQueue;
  private readonly socketFactory: SocketFactory | null;
  private socket: SocketLike | null = null;
  private welcomed = false;
  /** Chunks sent on this socket and not yet acknowledged, oldest first. */
  private inflight: number[] = [];
  private next = 0;
  private tokens: number;
  private lastRefill = Date.now();
  private pumpTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retries = 0;
  private closed = false;
  private readonly offers = new Map<string, AppEngagement>();

  constructor(private readonly opts: AppTrackerOptions) {
    super();
    this.socketFactory = opts.socketFactory ?? globalSocketFactory();
    this.tokens = opts.burst ?? 40;
    this.queue = new EventQueue(opts.storage ?? memoryStorage(), `beckon.app.${opts.siteKey}`, () =>
      this.pump(),
    );
    this.ready = this.queue.load(newVisitorId).then(() => this.connect());
  }

  /** The id the server knows this app install by (stable across restarts with a durable storage). */
  get visitorId(): string {
    return this.queue.visitorId;
  }

  /** Events not yet acknowledged by the server (known once `ready`). */
  get pending(): number {
    return this.queue.size;
  }

  /** The user is on a screen (campaigns read `screen.name` and `screen.section`). */
  screen(input: {
    name: string;
    section?: string;
    params?: Record<string, string | number | boolean>;
  }): void {
    const e: QueuedEvent = { type: 'screen', name: clip(input.name), ts: Date.now() };
    if (input.section) e.section = clip(input.section);
    if (input.params) e.params = input.params;
    this.track(e);
  }

  /** A custom event (campaigns read `event.<name>`). */
  event(name: string, props?: Record<string, string | number | boolean>): void {
    this.track({ type: 'event', name: clip(name), ...(props ? { props } : {}), ts: Date.now() });
  }

  /** The cart as it is now: its total and items (campaigns read `cart.total`, `cart.items`). */
  cart(value: number, items: CartItem[], currency?: string): void {
    this.track({
      type: 'attr',
      attrType: 'cart',
      value: { total: value, items, currency: currency ?? this.opts.currency ?? 'USD' },
      ts: Date.now(),
    });
  }

  /** A completed order: the conversion campaigns and their lift reports count. */
  purchase(input: { orderId: string; value: number; currency: string; items?: CartItem[] }): void {
    const value: Record<string, unknown> = {
      orderId: input.orderId,
      total: input.value,
      currency: input.currency,
    };
    if (input.items) value.items = input.items;
    this.track({ type: 'attr', attrType: 'purchase', value, ts: Date.now() });
  }

  /** The app came to the foreground or went to the background (time on screen counts foreground time). */
  appState(state: 'foreground' | 'background'): void {
    this.track({ type: 'app_state', state, ts: Date.now() });
    if (state === 'background') this.flushSoon(0);
  }

  /** Names the signed-in user; `userHash` is HMAC-SHA256(userId) from your server. A forged one is refused. */
  identify(user: { userId: string; userHash: string; name?: string; email?: string }): void {
    const traits: Record<string, string> = { userId: user.userId };
    if (user.name) traits.name = user.name;
    if (user.email) traits.email = user.email;
    this.track({ type: 'identify', traits, userHash: user.userHash });
  }

  /** The user took the engagement (opened the chat, followed the offer, asked for the call). */
  accept(id: string): void {
    const offer = this.offers.get(id);
    this.offers.delete(id);
    this.outcome(id, offer?.engagement.type === 'content' ? 'clicked' : 'accepted');
  }

  /** The user closed the engagement without taking it. */
  decline(id: string): void {
    this.offers.delete(id);
    this.outcome(id, 'dismissed');
  }

  /**
   * The user opened a notification: pass its data (FCM's `data`, the APNs payload). A campaign's
   * push carries `exposureId`, reported as accepted, as `accept` does for an in-app engagement; a
   * reply's push carries none, and nothing is reported.
   */
  pushOpened(data: Record<string, unknown>): void {
    const id = data.exposureId;
    if (typeof id === 'string' && id.length > 0 && id.length <= 64) this.outcome(id, 'accepted');
  }

  /** Resolves once every event so far is in storage (an app about to be killed may wait for it). */
  async persisted(): Promise<void> {
    await this.ready;
    await this.queue.persisted();
  }

  /** Closes the socket for good; queued events stay in storage for the next start. */
  close(): void {
    this.closed = true;
    for (const t of [this.pumpTimer, this.retryTimer]) if (t) clearTimeout(t);
    this.pumpTimer = this.retryTimer = null;
    const s = this.socket;
    this.socket = null;
    this.welcomed = false;
    s?.close(1000);
  }

  private outcome(id: string, outcome: 'shown' | 'accepted' | 'dismissed' | 'clicked'): void {
    this.track({ type: 'exposure_outcome', exposureId: id, outcome, ts: Date.now() });
    this.flushSoon(0);
  }

  private track(event: QueuedEvent): void {
    void this.ready.then(() => {
      this.queue.push(event);
      this.flushSoon(this.opts.flushMs ?? 100);
    });
  }

  private flushSoon(ms: number): void {
    if (this.pumpTimer) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = null;
      if (this.welcomed) this.queue.seal();
      this.pump();
    }, ms);
  }

  /** Sends the next sealed chunks, in order, within the window and the pace. */
  private pump(): void {
    if (!this.welcomed || this.socket?.readyState !== SOCKET_OPEN) return;
    const window = this.opts.window ?? 16;
    while (this.inflight.length < window) {
      const batch = this.queue.batch(this.next);
      if (!batch) return;
      if (!this.takeToken()) {
        this.flushSoon(Math.ceil(1000 / (this.opts.batchesPerSecond ?? 15)));
        return;
      }
      this.socket.send(JSON.stringify({ type: 'batch', id: batch.id, events: batch.events }));
      this.inflight.push(this.next++);
    }
  }

  private takeToken(): boolean {
    const now = Date.now();
    const rate = this.opts.batchesPerSecond ?? 15;
    this.tokens = Math.min(this.opts.burst ?? 40, this.tokens + ((now - this.lastRefill) * rate) / 1000);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private connect(): void {
    if (this.closed || this.socket) return;
    if (!this.socketFactory) {
      this.emit('error', new MessagingError('no_socket', 'no WebSocket: pass a socketFactory'));
      return;
    }
    const base = this.opts.baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws');
    const socket = this.socketFactory(`${base}/v1/visitor?siteKey=${encodeURIComponent(this.opts.siteKey)}`);
    this.socket = socket;
    this.emit('connection', 'connecting');
    socket.onopen = () => {
      const tz = timeZone();
      socket.send(
        JSON.stringify({
          type: 'hello',
          visitorId: this.queue.visitorId,
          page: { url: `app://${this.opts.platform}` },
          device: this.opts.device ?? 'mobile',
          app: { platform: this.opts.platform, version: clip(this.opts.appVersion, 32) },
          ...(tz ? { tz } : {}),
        }),
      );
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      let frame: EngageServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as EngageServerFrame;
      } catch {
        return;
      }
      this.onFrame(frame);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => this.onClose(socket, event.code, event.reason);
  }

  private onFrame(f: EngageServerFrame): void {
    switch (f.type) {
      case 'welcome':
        this.welcomed = true;
        this.retries = 0;
        // Everything not acknowledged goes again, in order, under the same batch ids.
        this.inflight = [];
        this.next = this.queue.first;
        this.emit('connection', 'open');
        this.queue.seal();
        this.pump();
        return;
      case 'ack': {
        const n = this.queue.chunkOf(f.id);
        if (n < 0) return;
        this.inflight = this.inflight.filter((c) => c > n);
        this.queue.acknowledge(n);
        this.pump();
        return;
      }
      case 'engage': {
        if (f.withdraw) {
          this.offers.delete(f.exposureId);
          this.emit('withdraw', f.exposureId);
          return;
        }
        const offer: AppEngagement = {
          id: f.exposureId,
          campaignId: f.campaignId,
          engagement: f.engagement,
          ...(f.agentName ? { agentName: f.agentName } : {}),
        };
        this.offers.set(offer.id, offer);
        this.outcome(offer.id, 'shown');
        this.emit('engagement', offer);
        return;
      }
      case 'error':
        this.emit('error', new MessagingError(f.code, f.message));
        return;
    }
  }

  private onClose(socket: SocketLike, code: number, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.welcomed = false;
    this.inflight = [];
    this.emit('connection', 'closed');
    if (FINAL_CLOSES.has(code)) {
      this.emit('error', new MessagingError(`closed_${code}`, reason || `the socket closed with ${code}`));
      return;
    }
    if (this.closed || this.opts.reconnect === false) return;
    // After 4429 (too fast) wait longer: the server's bucket refills meanwhile.
    const base = code === 4429 ? 5000 : 500;
    const delay = Math.min(30_000, base * 2 ** this.retries++) * (0.5 + Math.random() / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
