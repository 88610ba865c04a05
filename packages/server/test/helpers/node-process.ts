import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from './private-redis.ts';

const BIN = fileURLToPath(new URL('../../bin/beckon.js', import.meta.url));

/**
 * Lines a healthy node never prints: a crash, an unhandled rejection or `'error'` event (ioredis
 * prints its own, `[ioredis] Unhandled error event`, when a client has no listener), a fatal log.
 */
const CRASH =
  /unhandledRejection|uncaughtException|Unhandled 'error' event|\[ioredis\] Unhandled error event|ERR_UNHANDLED_REJECTION|"level":60\b/;

export interface NodeProcessOptions {
  /** A label for messages (`node-a`). */
  name: string;
  /** PostgreSQL; without it the node keeps a SQLite file in its data directory. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Node's own flags, before the script (`--max-old-space-size=512`). */
  nodeArgs?: string[];
  /** Extra environment (limits, timings). */
  env?: Record<string, string>;
}

/** A real Beckon node (`beckon serve`) in a child process, with its JSON logs captured. */
export interface NodeProcess {
  name: string;
  url: string;
  pid: number;
  /** Everything the node printed (stdout and stderr). */
  output(): string;
  /** Lines that show a crash or an unhandled failure (none in a healthy node). */
  crashLines(): string[];
  /** The exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** Still running. */
  alive(): boolean;
  /** `GET /readyz`: its status (0 when it does not answer) and JSON body. */
  readyz(timeoutMs?: number): Promise<{ status: number; body: Record<string, unknown> | null }>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM and wait (SIGKILL after 12 s); removes its data directory. */
  stop(): Promise<void>;
}

/** Starts `beckon serve` on a free port and waits until `/readyz` answers 200 (at most 3 minutes). */
export async function startNodeProcess(o: NodeProcessOptions): Promise<NodeProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), `beckon-${o.name}-`));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    BECKON_DATA_DIR: dataDir,
    BECKON_PUBLIC_URL: url,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    // Nodes on one store share the key their secrets are sealed with; each has its own data dir.
    BECKON_SECRET_KEY: 'key-of-every-test-node-on-one-store-0123456789',
    // Stand-in providers listen on loopback, which the egress refuses unless allowed.
    BECKON_EGRESS_ALLOW_PRIVATE: '1',
    ...o.env,
  };
  delete env.REDIS_URL;
  if (o.redisUrl) env.REDIS_URL = o.redisUrl;
  if (o.databaseUrl) env.DATABASE_URL = o.databaseUrl;
  else if (!o.env?.DATABASE_URL) delete env.DATABASE_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    [...(o.nodeArgs ?? []), BIN, 'serve', '--port', String(port), '--host', '127.0.0.1'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const readyz = async (timeoutMs = 2000) => {
    try {
      const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) });
      const body = (await r.json().catch(() => null)) as Record<string, unknown> | null;
      return { status: r.status, body };
    } catch {
      return { status: 0, body: null };
    }
  };
  const node: NodeProcess = {
    name: o.name,
    url,
    pid: child.pid!,
    output: () => out,
    crashLines: () => out.split('\n').filter((l) => CRASH.test(l)),
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    readyz,
    kill: (signal) => child.kill(signal),
    async stop() {
      if (node.alive()) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 12_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // A cold start compiles the server's TypeScript first: slow on a busy machine.
  const until = Date.now() + 180_000;
  for (;;) {
    if (!node.alive()) throw new Error(`${o.name} exited while starting (${await exited}):\n${out}`);
    if ((await readyz()).status === 200) return node;
    if (Date.now() > until) {
      await node.stop();
      throw new Error(`${o.name} was not ready within 180 s:\n${out}`);
    }
    await sleep(200);
  }
}
