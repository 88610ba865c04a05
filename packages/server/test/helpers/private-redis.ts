import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

/**
 * A Redis of the test's own, on a free port, without persistence: a test may stop and start it
 * (a restart comes back empty, as a Redis without persistence does) and never touches the shared
 * one. Under CI a missing `redis-server` is a failure; elsewhere the reason to skip.
 */
export class PrivateRedis {
  private proc?: ChildProcess;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static skipReason(): string | null {
    const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
    if (found.status === 0) return null;
    const reason = 'redis-server is not installed; tests that stop and start Redis skipped';
    if (process.env.CI === 'true') throw new Error(`${reason} — but CI requires them`);
    return reason;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr!.resume();
    for (const end = Date.now() + 5000; !out.includes('Ready to accept connections'); await sleep(10)) {
      if (proc.exitCode !== null || Date.now() > end)
        throw new Error(`redis-server on port ${this.port} did not start: ${out.slice(-500)}`);
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as in a network cut. */
  pause(): void {
    this.proc?.kill('SIGSTOP');
  }

  /** Lets a frozen server go on (SIGCONT). */
  resume(): void {
    this.proc?.kill('SIGCONT');
  }

  /** Whether the server runs (started and not stopped). */
  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null;
  }

  /** Stops the server (SIGTERM, as an operator's restart does) and waits until it is gone. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    await exited;
  }
}
