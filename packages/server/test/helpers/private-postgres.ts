import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from './private-redis.ts';

/**
 * A PostgreSQL server of the test's own (initdb in a temporary directory, a free port), so a test
 * may stop, kill and restart it without touching the machine's shared server.
 */
export interface PrivatePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** `pg_ctl stop -m fast` (the default, as an operator's restart) or `immediate`. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and directory, waiting until it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL of the postmaster (a crash); `start()` recovers it. */
  kill(): void;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

const isRoot = () => userInfo().uid === 0;

/** Runs a PostgreSQL binary as the `postgres` OS user when we are root (initdb refuses root). */
function asPostgres(cmd: string, args: string[]): void {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  execFileSync(file, argv, { stdio: 'pipe', timeout: 120_000 });
}

/** Null when initdb and pg_ctl can run here, else why PostgreSQL chaos tests are skipped. */
export function privatePostgresSkipReason(): string | null {
  for (const bin of ['initdb', 'pg_ctl']) {
    const r = spawnSync(bin, ['--version'], { stdio: 'pipe' });
    if (r.status !== 0) return `${bin} is not on PATH: a private PostgreSQL cannot be started`;
  }
  if (isRoot() && spawnSync('id', ['postgres'], { stdio: 'pipe' }).status !== 0)
    return 'running as root without a `postgres` OS user to run initdb as';
  return null;
}

/**
 * Where root makes the directory the `postgres` user runs the server in: the temp directory, unless
 * others cannot enter it (a /tmp left at 0700), then that user's home, which it can always reach.
 */
function parentForPostgres(): string {
  const temp = tmpdir();
  if ((statSync(temp).mode & 0o001) !== 0) return temp;
  return execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim().split(':')[5] || temp;
}

/** initdb + pg_ctl start on a free port (fsync off: the tests measure availability, not disks). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(isRoot() ? parentForPostgres() : tmpdir(), 'beckon-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) {
    chmodSync(dir, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-N', '-E', 'UTF8']);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = async () => {
    asPostgres('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    await untilAccepting(url);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  await start();
  return {
    port,
    url,
    start,
    stop,
    kill() {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
    },
    async close() {
      await stop('immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function untilAccepting(url: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.query('select 1');
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(100);
    } finally {
      await c.end().catch(() => {});
    }
  }
}
