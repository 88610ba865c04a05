/** What the heartbeat needs from a socket: the `ws` WebSocket fits. */
export interface PingableSocket {
  ping(): void;
  on(event: 'pong', listener: () => void): unknown;
}

interface Beat {
  socket: PingableSocket;
  /** Answered since the last ping. */
  alive: boolean;
  onTimeout: () => void;
}

/** Slots the sockets are spread over, so each tick pings only a share of them. */
const SLOTS = 20;

/**
 * Server-side pings for many idle sockets: every `intervalMs` each socket is pinged; one that has
 * not answered by the next round is reported dead (a half-open connection: a laptop lid closed, a
 * network gone). Browsers answer pings by themselves. One timer for all sockets, ticking every
 * interval / 20 over a twentieth of them: at the default 25 s, 20,000 sockets cost 800 pings a
 * second and nothing per socket in timers.
 */
export class Heartbeat {
  private readonly slots: Set<Beat>[] = Array.from({ length: SLOTS }, () => new Set());
  private readonly beats = new WeakMap<PingableSocket, { beat: Beat; slot: number }>();
  private next = 0;
  private tickSlot = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  /** A pong arrived (`this` is the socket that sent it). */
  private readonly answered = (() => {
    const beats = this.beats;
    return function (this: PingableSocket) {
      const entry = beats.get(this);
      if (entry) entry.beat.alive = true;
    };
  })();

  /** Watches a socket; `onTimeout` runs once if it stops answering. Interval 0 disables heartbeats. */
  add(socket: PingableSocket, onTimeout: () => void): void {
    if (this.intervalMs <= 0) return;
    const beat: Beat = { socket, alive: true, onTimeout };
    const slot = this.next++ % SLOTS;
    this.slots[slot]!.add(beat);
    this.beats.set(socket, { beat, slot });
    socket.on('pong', this.answered); // one shared listener: no closure per socket
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), Math.max(1, this.intervalMs / SLOTS));
      this.timer.unref();
    }
  }

  /** Stops watching a socket (it closed). */
  remove(socket: PingableSocket): void {
    const entry = this.beats.get(socket);
    if (!entry) return;
    this.beats.delete(socket);
    this.slots[entry.slot]!.delete(entry.beat);
  }

  /** Sockets watched. */
  get size(): number {
    return this.slots.reduce((n, s) => n + s.size, 0);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round over the next slot: silent sockets time out, the others are pinged. */
  tick(): void {
    const slot = this.slots[this.tickSlot]!;
    this.tickSlot = (this.tickSlot + 1) % SLOTS;
    for (const beat of slot) {
      if (!beat.alive) {
        slot.delete(beat);
        this.beats.delete(beat.socket);
        beat.onTimeout();
        continue;
      }
      beat.alive = false;
      try {
        beat.socket.ping();
      } catch {
        // the socket is closing; its close handler removes it
      }
    }
  }
}
