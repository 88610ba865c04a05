// The disk's own share of a durable acknowledgement: paced appends to a file on the store's file
// system, each answered once the store's own WalSync flushed it (one flush at a time, the next
// shared by every append that came meanwhile). What is left of W3's half-load tail below this is
// Beckon's.
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalSync } from '../../../packages/server/src/store/wal-sync.ts';
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
  const file = join(dir, 'flushes');
  const fd = openSync(file, 'w+');
  const wal = new WalSync(file);
  try {
    ftruncateSync(fd, FILE_BYTES);
    const block = Buffer.alloc(bytesPerCommit, 7);
    const latencies: number[] = [];
    const synced: Promise<void>[] = [];
    let offset = 0;
    const start = performance.now();
    let sent = 0;
    await new Promise<void>((done) => {
      const tick = () => {
        const elapsed = performance.now() - start;
        if (elapsed >= seconds * 1000) return done();
        for (const due = Math.floor((elapsed * commitsPerSecond) / 1000); sent < due; sent++) {
          writeSync(fd, block, 0, block.length, offset);
          offset = (offset + block.length) % FILE_BYTES;
          const committed = performance.now();
          synced.push(wal.sync().then(() => void latencies.push(performance.now() - committed)));
        }
        setTimeout(tick, 1);
      };
      tick();
    });
    await Promise.all(synced);
    return {
      commitsPerSecond,
      bytesPerCommit,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      flushes: wal.syncs,
    };
  } finally {
    wal.close();
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
