/**
 * Backpressure for batch acknowledgements: while the events writer's backlog is above the high
 * mark, acks wait (in order) until it falls below the low mark. A client that waits for its acks
 * (the SDK, a load generator) then slows to what the store can write, instead of the backlog —
 * and the node's memory — growing until rows must be dropped.
 */
export class AckGate {
  private held: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly backlog: () => number,
    private readonly high: number,
    private readonly low = Math.floor(high / 2),
    private readonly checkMs = 5,
  ) {}

  /** Runs `ack` now, or once the writer has caught up (after every ack held before it). */
  send(ack: () => void): void {
    if (this.held.length === 0 && (this.high <= 0 || this.backlog() <= this.high)) {
      ack();
      return;
    }
    this.held.push(ack);
    this.timer ??= setInterval(() => this.check(), this.checkMs);
  }

  /** Acks waiting. */
  get waiting(): number {
    return this.held.length;
  }

  /** Releases everything (shutdown: the writer is flushed next). */
  close(): void {
    this.release();
  }

  private check(): void {
    if (this.backlog() <= this.low) this.release();
  }

  private release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const held = this.held;
    this.held = [];
    for (const ack of held) ack();
  }
}
