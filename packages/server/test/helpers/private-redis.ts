import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from './free-port.ts';

/** A Redis server of the test's own on a free port (no persistence), to stop and start at will. */
export interface PrivateRedis {
  port: number;
  /** redis://127.0.0.1:PORT */
  url: string;
  /** SIGTERM (a clean shutdown without saving), waiting for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (as a restarted Redis without persistence is). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Null when redis-server can run here, else why Redis chaos tests are skipped. */
export function privateRedisSkipReason(): string | null {
  const r = spawnSync('redis-server', ['--version'], { stdio: 'pipe' });
  return r.status === 0 ? null : 'redis-server is not on PATH: a private Redis cannot be started';
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
      const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        if (!out.includes('Ready to accept connections')) return;
        c.stdout!.off('data', onData);
        c.stdout!.resume();
        resolve();
      };
      c.stdout!.on('data', onData);
      c.stderr!.resume();
      c.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop, close: stop };
}
