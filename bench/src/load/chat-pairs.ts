import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * The W3 load generator's core, the same for every server compared: C conversation pairs, each a
 * visitor and an agent, exchange chat lines. The visitor sends, the agent answers each line it
 * receives; in a closed loop the visitor's next line follows the answer at once, paced it follows a
 * clock. Every line carries its id as the first word of its text, so receipt is recognised the
 * same way on every protocol. Latency is send → receipt by the other side of the pair.
 */

/** What a transport reports about one pair's traffic. */
export interface ChatPairEvents {
  /** The agent side received the visitor line `id`. */
  toAgent(id: string): void;
  /** The visitor side received the agent line `id`. */
  toVisitor(id: string): void;
  /** The server acknowledged line `id` to its sender (Beckon: after commit). */
  acked(id: string): void;
  /** The server refused line `id` (an error frame); it will not be delivered. */
  refused(id: string, why: string): void;
  /** Something went wrong outside a line (a socket error, an unexpected close). */
  failed(why: string): void;
  /**
   * Assist reached the agent for visitor line `id` at `at` (performance.now()): its search
   * suggestions, or the model's first streamed token. Only transports that know assist call it.
   */
  suggested?(id: string, kind: 'search' | 'model', at: number): void;
}

/** One connected pair: both sides ready, talking in one conversation (or room). */
export interface ChatPair {
  visitorSend(id: string, text: string): void;
  agentSend(id: string, text: string): void;
}

/** A protocol the generator can speak: how to connect pair `i` and how to let go of everything. */
export interface ChatTransport {
  connect(i: number, events: ChatPairEvents): Promise<ChatPair>;
  close(): Promise<void>;
}

/**
 * Closed loop (as fast as the answers come), or paced: each pair sends one visitor line every
 * `intervalMs` whatever the answers do (an open loop), so C pairs offer 2 × C × 1000 / intervalMs msgs/s.
 */
export type Pacing = { kind: 'closed' } | { kind: 'paced'; intervalMs: number };

export interface PairRunOptions {
  warmupSeconds: number;
  seconds: number;
  pacing: Pacing;
  /** How long to wait after the window for lines still in flight before counting them lost. */
  drainMs?: number;
  /** Also time each visitor line to its search suggestions on the agent's socket (assist on). */
  suggestions?: boolean;
}

/** One process's share of a run; merged by the parent across client processes. */
export interface PairRunResult {
  /** Lines delivered to the other side during the measurement window. */
  delivered: number;
  elapsedSeconds: number;
  /** Milliseconds, visitor → agent and agent → visitor, for lines delivered in the window. */
  visitorToAgentMs: number[];
  agentToVisitorMs: number[];
  /** CPU seconds this process used during the window. */
  cpuSeconds: number;
  sent: number;
  /** Sent (and not refused) but never delivered, after the drain. */
  lost: number;
  /** Sent and delivered but never acknowledged. */
  unacked: number;
  /** A line delivered twice, or before one sent earlier on the same side. */
  disordered: number;
  refused: number;
  failures: number;
  /** Milliseconds, visitor line sent → its suggestions on the agent's socket (window only). */
  suggestionsMs: number[];
  /** Visitor lines sent with `suggestions` on whose suggestions never came, after the drain. */
  suggestionsMissing: number;
}

/** A realistic chat line (~70 bytes), after the id. */
export const LINE_TEXT = 'Hi! Is the blue jacket in stock in size M, and can it ship by Friday?';

interface PairState {
  pair: ChatPair;
  n: number;
  /** Highest line number delivered, per direction (order check). */
  lastToAgent: number;
  lastToVisitor: number;
  timer?: NodeJS.Timeout;
}

const lineNumber = (id: string) => Number(id.slice(id.indexOf('.') + 1));
const pairOf = (id: string) => Number(id.slice(1, id.indexOf('.')));

/** The id a received line's text starts with. */
export const idOfText = (text: string): string => {
  const space = text.indexOf(' ');
  return space < 0 ? text : text.slice(0, space);
};

/** Connects pairs over a transport and runs measurement windows over them. */
export class ChatPairs {
  private readonly pairs = new Map<number, PairState>();
  private readonly inFlight = new Map<string, number>();
  private readonly unackedIds = new Set<string>();
  private pacing: Pacing = { kind: 'closed' };
  private sending = false;
  private measuring = false;
  private counts = { delivered: 0, sent: 0, refused: 0, failures: 0, disordered: 0 };
  private v2a: number[] = [];
  private a2v: number[] = [];
  /** Visitor lines waiting for their suggestions: id → sent at (only with `suggestions`). */
  private readonly awaitingSuggestions = new Map<string, number>();
  private trackSuggestions = false;
  private suggestionsMs: number[] = [];
  /** With BENCH_LINE_TRACE: each measured line as `<epoch ms sent> <ms to receipt> <v|a>`. */
  private readonly traceFile = process.env.BENCH_LINE_TRACE
    ? `${process.env.BENCH_LINE_TRACE}.${process.pid}`
    : null;
  private trace: string[] = [];

  constructor(private readonly transport: ChatTransport) {}

  /** Connects the given pair indices, `concurrency` at a time. */
  async connect(indices: number[], concurrency = 20): Promise<void> {
    const queue = [...indices];
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const pair = await this.transport.connect(i, this.eventsFor(i));
        this.pairs.set(i, { pair, n: 0, lastToAgent: 0, lastToVisitor: 0 });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  }

  private eventsFor(i: number): ChatPairEvents {
    return {
      toAgent: (id) => this.onDelivered(id, true),
      toVisitor: (id) => this.onDelivered(id, false),
      acked: (id) => this.unackedIds.delete(id),
      refused: (id) => {
        this.counts.refused++;
        this.unackedIds.delete(id);
        if (!this.inFlight.delete(id)) return;
        // A refused visitor line ends its exchange; a closed loop carries on after a breath.
        if (id.startsWith('v') && this.pacing.kind === 'closed') {
          setTimeout(() => this.sendVisitor(pairOf(id)), 10);
        }
      },
      failed: (why) => {
        this.counts.failures++;
        if (this.counts.failures <= 5) process.stderr.write(`chat pair ${i}: ${why}\n`);
      },
      suggested: (id, kind, at) => {
        if (kind !== 'search') return;
        const sentAt = this.awaitingSuggestions.get(id);
        if (sentAt === undefined) return;
        this.awaitingSuggestions.delete(id);
        if (this.measuring) this.suggestionsMs.push(at - sentAt);
      },
    };
  }

  private sendVisitor(i: number): void {
    const s = this.pairs.get(i);
    if (!s || !this.sending) return;
    const id = `v${i}.${++s.n}`;
    const now = performance.now();
    this.inFlight.set(id, now);
    if (this.trackSuggestions) this.awaitingSuggestions.set(id, now);
    this.unackedIds.add(id);
    this.counts.sent++;
    s.pair.visitorSend(id, `${id} ${LINE_TEXT}`);
  }

  private onDelivered(id: string, toAgent: boolean): void {
    const now = performance.now();
    const i = pairOf(id);
    const s = this.pairs.get(i);
    const sentAt = this.inFlight.get(id);
    if (!s) return;
    const n = lineNumber(id);
    const last = toAgent ? s.lastToAgent : s.lastToVisitor;
    if (n <= last || sentAt === undefined) {
      this.counts.disordered++;
      return;
    }
    if (toAgent) s.lastToAgent = n;
    else s.lastToVisitor = n;
    this.inFlight.delete(id);
    if (this.measuring) {
      this.counts.delivered++;
      (toAgent ? this.v2a : this.a2v).push(now - sentAt);
      if (this.traceFile)
        this.trace.push(
          `${(performance.timeOrigin + sentAt).toFixed(1)} ${(now - sentAt).toFixed(2)} ${toAgent ? 'v' : 'a'}`,
        );
    }
    if (toAgent) {
      // The agent answers every line, also while draining, so nothing is left half-way.
      const reply = `a${i}.${n}`;
      this.inFlight.set(reply, performance.now());
      this.unackedIds.add(reply);
      this.counts.sent++;
      s.pair.agentSend(reply, `${reply} ${LINE_TEXT}`);
    } else if (this.pacing.kind === 'closed') {
      this.sendVisitor(i);
    }
  }

  /** Warm-up, then a measured window, then a drain; returns what this process saw. */
  async run(o: PairRunOptions): Promise<PairRunResult> {
    this.pacing = o.pacing;
    this.counts = { delivered: 0, sent: 0, refused: 0, failures: 0, disordered: 0 };
    this.v2a = [];
    this.a2v = [];
    this.unackedIds.clear();
    this.inFlight.clear();
    this.awaitingSuggestions.clear();
    this.suggestionsMs = [];
    this.trackSuggestions = o.suggestions === true;
    this.sending = true;
    if (o.pacing.kind === 'closed') {
      for (const i of this.pairs.keys()) this.sendVisitor(i);
    } else {
      // Phases spread over the interval so the offered load is smooth.
      const interval = o.pacing.intervalMs;
      for (const [i, s] of this.pairs)
        this.pace(i, s, performance.now() + Math.random() * interval, interval);
    }
    await sleep(o.warmupSeconds * 1000);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    this.measuring = true;
    await sleep(o.seconds * 1000);
    this.measuring = false;
    if (this.traceFile && this.trace.length > 0) {
      appendFileSync(this.traceFile, `${this.trace.join('\n')}\n`);
      this.trace = [];
    }
    const elapsedSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    this.sending = false;
    for (const s of this.pairs.values()) clearTimeout(s.timer);
    const until = performance.now() + (o.drainMs ?? 5000);
    const waiting = () =>
      this.inFlight.size > 0 || this.unackedIds.size > 0 || this.awaitingSuggestions.size > 0;
    while (waiting() && performance.now() < until) await sleep(20);
    return {
      delivered: this.counts.delivered,
      elapsedSeconds,
      visitorToAgentMs: this.v2a,
      agentToVisitorMs: this.a2v,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      sent: this.counts.sent,
      lost: this.inFlight.size,
      unacked: this.unackedIds.size,
      disordered: this.counts.disordered,
      refused: this.counts.refused,
      failures: this.counts.failures,
      suggestionsMs: this.suggestionsMs,
      suggestionsMissing: this.awaitingSuggestions.size,
    };
  }

  /** Sends pair `i`'s visitor lines on a fixed clock (not after answers: an open loop). */
  private pace(i: number, s: PairState, at: number, interval: number): void {
    s.timer = setTimeout(
      () => {
        if (!this.sending) return;
        this.sendVisitor(i);
        this.pace(i, s, at + interval, interval);
      },
      Math.max(0, at - performance.now()),
    );
  }

  close(): Promise<void> {
    this.sending = false;
    for (const s of this.pairs.values()) clearTimeout(s.timer);
    return this.transport.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Which of `n` nodes pair `i`'s visitor and agent connect to: visitors round-robin, agents by
 * blocks, so every (visitor node, agent node) combination is equally common — as behind a load
 * balancer, where (n − 1)/n of the conversations cross between nodes.
 */
export function pairNodes(i: number, n: number): { visitor: number; agent: number } {
  return { visitor: i % n, agent: Math.floor(i / n) % n };
}
