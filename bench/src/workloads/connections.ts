// W4 connections: N idle visitor sockets (each said hello and is tracked as a live visitor, and
// answers the server's heartbeat pings) on one node; server memory per socket and CPU at idle,
// over a window that covers at least one full heartbeat round. Clients run in separate
// processes, each from its own loopback address (so source ports never run out); every process
// gets an open-files limit above what it holds, raised with prlimit where this user may.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openFilesLimit, procCpuSeconds, procRssBytes, spawnNode, tsLoaderArgs } from '../child-server.ts';
import { BENCH_ORIGIN } from '../servers/bench-site.ts';
import { round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { beckonTarget } from './ingest.ts';

const CLIENT = fileURLToPath(new URL('../load/idle-sockets.ts', import.meta.url));
const PER_CLIENT = 7_000;
const HEARTBEAT_MS = Number(process.env.BECKON_HEARTBEAT_MS ?? 25_000);

interface Clients {
  welcomed: number;
  failed: number;
  /** Sockets closed after all were open (heartbeat timeouts would count here). */
  closed(): number;
  stop(): void;
}

function startClients(url: string, count: number, prefix: string, localAddress: string): Promise<Clients> {
  const child: ChildProcess = spawnNode(
    [...tsLoaderArgs(), CLIENT, url, BENCH_ORIGIN, String(count), prefix, localAddress],
    {},
    count + 1024,
    ['ignore', 'pipe', 'inherit'],
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let closed = 0;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/closed (\d+)/g)) closed = Number(m[1]);
      const ready = /ready (\d+) failed (\d+)/.exec(out);
      if (ready) {
        out = out.slice(out.lastIndexOf('\n') + 1);
        resolve({
          welcomed: Number(ready[1]),
          failed: Number(ready[2]),
          closed: () => closed,
          stop: () => child.kill('SIGTERM'),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`client exited ${code}: ${out}`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Open files a node needs besides its sockets (store files of two connections, listener, epoll, pipes…). */
const SERVER_OWN_FILES = 100;

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const requested = Number(opts.flags.sockets ?? 20_000);
  // At least one whole heartbeat round (every socket pinged and answering) inside the idle window.
  const idleSeconds = opts.duration ?? Math.ceil(HEARTBEAT_MS / 1000) + 5;
  const target = await beckonTarget(50, {}, requested + 2048);
  const { pid } = target;
  const fdLimit = openFilesLimit(pid);
  // Where the limit could not be raised (no CAP_SYS_RESOURCE), ask only for what fits under it.
  const total = Math.min(requested, fdLimit - SERVER_OWN_FILES);
  const clients = Math.max(1, Math.ceil(total / PER_CLIENT));
  try {
    // One visitor first, so the fixed costs (the events writer thread, JIT, caches) are in the baseline.
    const warm = await startClients(target.url, 1, 'warm', '127.0.0.1');
    await sleep(3000);
    const rssBefore = await procRssBytes(pid);
    opts.log(
      `server rss before ${(rssBefore / 1e6).toFixed(1)} MB, open-files limit ${fdLimit}; opening ${total} sockets from ${clients} client processes`,
    );
    const started = Date.now();
    const running = await Promise.all(
      Array.from({ length: clients }, (_, c) =>
        startClients(target.url, Math.ceil(total / clients), `idle${c}`, `127.0.0.${c + 2}`),
      ),
    );
    const connected = running.reduce((n, r) => n + r.welcomed, 0);
    const failed = running.reduce((n, r) => n + r.failed, 0);
    const connectSeconds = (Date.now() - started) / 1000;
    await sleep(3000);
    const rssAfter = await procRssBytes(pid);
    const cpu0 = await procCpuSeconds(pid);
    await sleep(idleSeconds * 1000);
    const idleCpuPercent = (((await procCpuSeconds(pid)) - cpu0) / idleSeconds) * 100;
    const closedWhileIdle = running.reduce((n, r) => n + r.closed(), 0);
    for (const r of [warm, ...running]) r.stop();
    const perSocket = (rssAfter - rssBefore) / connected;
    opts.log(
      `${connected} connected (${failed} failed) in ${connectSeconds.toFixed(1)} s; ${(perSocket / 1024).toFixed(1)} KB per socket; idle CPU ${idleCpuPercent.toFixed(1)} % over ${idleSeconds} s with ${HEARTBEAT_MS / 1000} s heartbeats; ${closedWhileIdle} closed while idle`,
    );
    return {
      workload: 'connections',
      sockets: connected,
      sockets_requested: requested,
      failed_sockets: failed,
      target_sockets: 20_000,
      server_fd_limit: fdLimit,
      fd_limit_raised: fdLimit >= requested + SERVER_OWN_FILES,
      client_processes: clients,
      connect_seconds: round(connectSeconds),
      server_rss_mb: round(rssAfter / 1e6),
      bytes_per_socket: Math.round(perSocket),
      target_bytes_per_socket: 16_384,
      heartbeat_interval_s: HEARTBEAT_MS / 1000,
      idle_seconds: idleSeconds,
      idle_cpu_percent: round(idleCpuPercent),
      closed_while_idle: closedWhileIdle,
    };
  } finally {
    await target.stop();
  }
}
