import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** CPU seconds used so far by something worth watching (a server process, one of its threads). */
export type CpuProbes = Record<string, () => Promise<number>>;

export interface SocketLoadOptions {
  /** WebSocket URL of the server under test, or socket i's URL (spreading sockets over several nodes). */
  url: string | ((i: number) => string);
  /** Origin header to present (gateways check it). */
  origin?: string;
  sockets: number;
  /** First frame each socket sends (e.g. hello); its loop starts after the first reply. */
  hello: (i: number) => string;
  /** Next frame of socket `i` with batch id `id`. */
  frame: (i: number, id: string) => string;
  /** Extracts the acknowledged batch id from a server frame, or undefined for other frames. */
  ackId: (data: string) => string | undefined;
  /** Any other server frame (e.g. an engage frame the client answers in its next batch). */
  onOther?: (i: number, data: string) => void;
  /**
   * Frames per second over all sockets, on a fixed schedule independent of the server's answers
   * (each socket still keeps one frame in flight). Undefined: a closed loop, as fast as acks return.
   */
  rate?: number;
}

/** What one measurement window saw. */
export interface LoadWindow {
  frames: number;
  framesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of this (client) process during the window, in % of one core. */
  clientCpuPercent: number;
  /** CPU of each probed process or thread during the window, in % of one core (e.g. server, server main thread). */
  cpuPercent: Record<string, number>;
  /** Frames per second the schedule offered (NaN in a closed loop). */
  offeredPerSecond: number;
  errors: number;
}

/**
 * Drives `sockets` visitor WebSockets, either as a closed loop (send, await the ack, send again)
 * or paced at a fixed total rate. Latency is measured from the moment a frame was due, so a
 * server that falls behind a paced schedule shows it (no coordinated omission). The same
 * generator drives every server compared; CPU is measured inside the window only.
 */
export class SocketLoad {
  private latencies: number[] = [];
  private frames = 0;
  private errors = 0;
  private measuring = false;
  private stopped = false;
  private readonly sockets: WebSocket[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly o: SocketLoadOptions) {}

  /** Opens every socket, says hello and starts the loop; resolves once all are running. */
  static async start(o: SocketLoadOptions): Promise<SocketLoad> {
    const load = new SocketLoad(o);
    const batches = Math.ceil(o.sockets / 200);
    for (let b = 0; b < batches; b++) {
      const from = b * 200;
      const to = Math.min(o.sockets, from + 200);
      await Promise.all(Array.from({ length: to - from }, (_, k) => load.open(from + k)));
    }
    return load;
  }

  /** Measures for `seconds`: acknowledged frames, latency, client CPU and the probes' CPU (seconds used so far). */
  async measure(seconds: number, probes: CpuProbes = {}): Promise<LoadWindow> {
    const end = await this.window(probes);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return end();
  }

  /** Opens a measurement window now; the returned function closes it and reports what it saw. */
  async window(probes: CpuProbes = {}): Promise<() => Promise<LoadWindow>> {
    this.latencies = [];
    this.frames = 0;
    const errors0 = this.errors;
    const read = async () =>
      Object.fromEntries(
        await Promise.all(Object.entries(probes).map(async ([k, f]) => [k, await f()] as const)),
      );
    const probed0 = await read();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    this.measuring = true;
    return async () => {
      this.measuring = false;
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const probed1 = await read();
      const sorted = Float64Array.from(this.latencies).sort();
      const pick = (p: number) =>
        sorted.length === 0
          ? Number.NaN
          : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
      return {
        frames: this.frames,
        framesPerSecond: this.frames / elapsed,
        p50Ms: pick(50),
        p99Ms: pick(99),
        clientCpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100,
        cpuPercent: Object.fromEntries(
          Object.keys(probes).map((k) => [k, ((probed1[k]! - probed0[k]!) / elapsed) * 100]),
        ),
        offeredPerSecond: this.o.rate ?? Number.NaN,
        errors: this.errors - errors0,
      };
    };
  }

  /** Stops sending and closes every socket (1000). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closing = this.sockets.map(
      (ws) =>
        new Promise<void>((done) => {
          if (ws.readyState === WebSocket.CLOSED) return done();
          ws.once('close', () => done());
          ws.close(1000);
          setTimeout(() => {
            ws.terminate();
            done();
          }, 2000).unref();
        }),
    );
    await Promise.all(closing);
  }

  get totalErrors(): number {
    return this.errors;
  }

  private open(i: number): Promise<void> {
    const o = this.o;
    const interval = o.rate ? (1000 * o.sockets) / o.rate : 0;
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(typeof o.url === 'string' ? o.url : o.url(i), {
        headers: o.origin ? { origin: o.origin } : {},
        perMessageDeflate: false,
      });
      this.sockets.push(ws);
      let seq = 0;
      let pending = '';
      /** When the frame in flight was due (paced; sent then or later), and whence its latency counts. */
      let dueAt = 0;
      let sentFrom = 0;
      let started = false;
      const send = () => {
        if (this.stopped || ws.readyState !== WebSocket.OPEN) return;
        pending = `${i}-${seq++}`;
        // Late: latency counts from when it was due. Early (a timer may fire up to 1 ms early): from now.
        sentFrom = interval ? Math.min(dueAt, performance.now()) : performance.now();
        ws.send(o.frame(i, pending));
      };
      /** Paced: the next frame is due one interval after the last was due; late frames go at once. */
      const next = () => {
        if (!interval) return send();
        dueAt += interval;
        const wait = dueAt - performance.now();
        if (wait <= 0) return send();
        const t = setTimeout(() => {
          this.timers.delete(t);
          send();
        }, wait);
        this.timers.add(t);
      };
      ws.on('open', () => ws.send(o.hello(i)));
      ws.on('message', (data) => {
        const text = data.toString();
        if (!started) {
          started = true;
          resolve();
          // Spread the sockets' schedules over one interval so the paced load is smooth.
          dueAt = performance.now() + (interval * i) / o.sockets - interval;
          next();
          return;
        }
        const id = o.ackId(text);
        if (id === undefined) {
          o.onOther?.(i, text);
          return;
        }
        if (id !== pending) return;
        if (this.measuring) {
          this.frames++;
          this.latencies.push(performance.now() - sentFrom);
        }
        next();
      });
      ws.on('error', (err) => {
        this.errors++;
        if (!started) reject(err);
      });
      ws.on('close', (code) => {
        if (!this.stopped && code !== 1000) this.errors++;
      });
    });
  }
}
