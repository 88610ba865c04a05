// The disk's own share of a durable acknowledgement: paced appends to a file on the store's file
// system, each answered once a flush that began after it returned, one flush at a time and one
// more queued (the store's WalSync). What is left of W3's half-load tail below this is Beckon's.
import { closeSync, fdatasync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from '../stats.ts';

export interface DiskFlushRun {
  commitsPerSecond: number;
  bytesPerCommit: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  flushes: number;
}

/** The file wraps around, as a WAL that starts over writes over its old frames. */
const FILE_BYTES = 64 * 1024 * 1024;

/**
 * `commitsPerSecond` appends of `bytesPerCommit` for `seconds`. Defaults: what W3's node commits
 * at half load on a 2-core machine (about 300 group commits a second, 20 MB/s of WAL frames).
 */
export async function diskFlushes(
  seconds: number,
  commitsPerSecond = 300,
  bytesPerCommit = 64 * 1024,
): Promise<DiskFlushRun> {
  const dir = mkdtempSync(join(tmpdir(), 'beckon-bench-disk-'));
  const fd = openSync(join(dir, 'flushes'), 'w+');
  try {
    ftruncateSync(fd, FILE_BYTES);
    const block = Buffer.alloc(bytesPerCommit, 7);
    const latencies: number[] = [];
    let offset = 0;
    let flushes = 0;
    let running = false;
    let failed: NodeJS.ErrnoException | null = null;
    /** Commit times not yet covered by a flush that began after them. */
    let waiting: number[] = [];
    const flush = () => {
      if (running || waiting.length === 0) return;
      running = true;
      flushes++;
      const covered = waiting;
      waiting = [];
      fdatasync(fd, (err) => {
        running = false;
        failed ??= err;
        const now = performance.now();
        for (const t of covered) latencies.push(now - t);
        flush();
      });
    };
    const start = performance.now();
    let sent = 0;
    await new Promise<void>((done) => {
      const tick = () => {
        const elapsed = performance.now() - start;
        if (elapsed >= seconds * 1000) return done();
        for (const due = Math.floor((elapsed * commitsPerSecond) / 1000); sent < due; sent++) {
          writeSync(fd, block, 0, block.length, offset);
          offset = (offset + block.length) % FILE_BYTES;
          waiting.push(performance.now());
        }
        flush();
        setTimeout(tick, 1);
      };
      tick();
    });
    while (running || waiting.length > 0) await new Promise((r) => setTimeout(r, 5));
    if (failed) throw failed;
    return {
      commitsPerSecond,
      bytesPerCommit,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(0, ...latencies),
      flushes,
    };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
