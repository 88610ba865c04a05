import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { procCpuSeconds, tsLoaderArgs } from '../child-server.ts';
import { percentile } from '../stats.ts';
import type { ClientCommand } from './chat-client-process.ts';
import type { PairRunOptions, PairRunResult } from './chat-pairs.ts';
import type { ChatTransportSpec } from './chat-transports.ts';

const CLIENT = fileURLToPath(new URL('./chat-client-process.ts', import.meta.url));

/** One measured window over every client process, merged. */
export interface ChatRun {
  /** Messages delivered per second (both directions). */
  msgsPerSecond: number;
  /** Visitor → agent latency. */
  p50Ms: number;
  p99Ms: number;
  /** Agent → visitor latency. */
  agentP99Ms: number;
  /** Every visitor → agent latency of the window (ms), to merge windows. */
  visitorToAgentMs: number[];
  /** Client processes' CPU, summed, as % of one core. */
  clientCpuPercent: number;
  /** Server processes' CPU during the window, summed, as % of one core. */
  serverCpuPercent: number;
  /** The same for the servers' main (socket) threads only. */
  serverMainThreadCpuPercent: number;
  /** Lost, unacknowledged, duplicated or reordered lines, and socket failures. */
  errors: number;
  /** Lines the server answered with an error frame (e.g. a rate limit): the load was not what was asked. */
  refused: number;
  /** Visitor line → its search suggestions on the agent's socket (runs with `suggestions` only). */
  suggestionsMs: number[];
  detail: Omit<PairRunResult, 'visitorToAgentMs' | 'agentToVisitorMs' | 'suggestionsMs'>;
}

interface Answer {
  ok?: 'connected' | 'result';
  result?: PairRunResult;
  error?: string;
}

function ask(child: ChildProcess, command: ClientCommand): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Answer) => {
      child.off('exit', onExit);
      if (m.error) reject(new Error(`chat client: ${m.error}`));
      else resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`chat client exited with ${code}`));
    child.once('message', onMessage);
    child.once('exit', onExit);
    child.send(command);
  });
}

/** C pairs over one transport, spread over `processes` client processes, connected and ready to run. */
export class ChatClients {
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(spec: ChatTransportSpec, pairs: number, processes: number): Promise<ChatClients> {
    const n = Math.max(1, Math.min(processes, pairs));
    const children = Array.from({ length: n }, () =>
      fork(CLIENT, [], {
        // BENCH_CLIENT_NODE_ARGS adds Node flags, e.g. bench/src/loop-stalls.mjs to see the generator's own stalls.
        execArgv: [
          ...(process.env.BENCH_CLIENT_NODE_ARGS ?? '').split(' ').filter(Boolean),
          ...tsLoaderArgs(),
        ],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'advanced',
      }),
    );
    const clients = new ChatClients(children);
    const connect = (child: ChildProcess, c: number) => {
      const indices = Array.from({ length: pairs }, (_, i) => i).filter((i) => i % n === c);
      return ask(child, { cmd: 'connect', spec, indices });
    };
    try {
      // App pairs set up one at a time (chat-transport-app.ts), so one process after another.
      if (spec.kind === 'beckon_app') for (const [c, child] of children.entries()) await connect(child, c);
      else await Promise.all(children.map(connect));
    } catch (err) {
      await clients.close();
      throw err;
    }
    return clients;
  }

  /** Runs one window in every client process at once; `serverPids` are sampled for CPU over the window. */
  async run(options: PairRunOptions, serverPids: number[]): Promise<ChatRun> {
    const serverCpu = async () => {
      let all = 0;
      let main = 0;
      for (const pid of serverPids) {
        all += await procCpuSeconds(pid);
        main += await procCpuSeconds(pid, pid);
      }
      return { all, main };
    };
    const started = Date.now();
    const answers = this.children.map((child) => ask(child, { cmd: 'run', options }));
    const sample = (seconds: number) =>
      new Promise<{ all: number; main: number }>((resolve) =>
        setTimeout(() => resolve(serverCpu()), Math.max(0, started + seconds * 1000 - Date.now())),
      );
    const cpu0 = await sample(options.warmupSeconds);
    const cpu1 = await sample(options.warmupSeconds + options.seconds);
    const results = (await Promise.all(answers)).map((a) => a.result!);
    const sum = (f: (r: PairRunResult) => number) => results.reduce((n, r) => n + f(r), 0);
    const elapsed = Math.max(...results.map((r) => r.elapsedSeconds));
    const v2a = results.flatMap((r) => r.visitorToAgentMs);
    const a2v = results.flatMap((r) => r.agentToVisitorMs);
    const detail = {
      delivered: sum((r) => r.delivered),
      elapsedSeconds: elapsed,
      cpuSeconds: sum((r) => r.cpuSeconds),
      sent: sum((r) => r.sent),
      lost: sum((r) => r.lost),
      unacked: sum((r) => r.unacked),
      disordered: sum((r) => r.disordered),
      refused: sum((r) => r.refused),
      failures: sum((r) => r.failures),
      suggestionsMissing: sum((r) => r.suggestionsMissing),
    };
    return {
      msgsPerSecond: detail.delivered / elapsed,
      p50Ms: percentile(v2a, 50),
      p99Ms: percentile(v2a, 99),
      agentP99Ms: percentile(a2v, 99),
      visitorToAgentMs: v2a,
      clientCpuPercent: (detail.cpuSeconds / elapsed) * 100,
      serverCpuPercent: ((cpu1.all - cpu0.all) / options.seconds) * 100,
      serverMainThreadCpuPercent: ((cpu1.main - cpu0.main) / options.seconds) * 100,
      errors: detail.lost + detail.unacked + detail.disordered + detail.failures,
      refused: detail.refused,
      suggestionsMs: results.flatMap((r) => r.suggestionsMs),
      detail,
    };
  }

  /** Closes every pair and ends the client processes. */
  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || !child.connected) return resolve();
            child.once('exit', () => resolve());
            child.send({ cmd: 'close' } satisfies ClientCommand);
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  }
}
