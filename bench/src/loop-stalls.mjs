// Stalls of a bench server's main thread, for the bench's figures: load it into the node with
// BENCH_SERVER_NODE_ARGS="--import /abs/path/bench/src/loop-stalls.mjs" and LOOP_STALLS_FILE=path.
// A timer is set every millisecond; a turn that comes more than 20 ms late is a stretch in which
// the thread ran something else or was off the CPU. Each is appended as `<epoch ms at its end>
// <wall ms> <cpu ms> <monotonic µs at its end>` (the clock of a `--cpu-prof` profile's times, to
// find the stretch in one): the CPU the thread used meanwhile (Linux, from its schedstat) tells work
// that held the thread from a machine too busy to run it. Each process writes its own file
// (`<path>.<pid>`): the bench's provider sinks load it too; worker threads do not run it. Garbage
// collections over 10 ms are written too, as `<epoch ms at their end> gc <ms> <kind>`.
import { appendFileSync, openSync, readSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const file =
  isMainThread && process.env.LOOP_STALLS_FILE ? `${process.env.LOOP_STALLS_FILE}.${process.pid}` : null;
const MIN_MS = Number(process.env.LOOP_STALLS_MIN_MS ?? 20);
if (file) {
  let stat = -1;
  try {
    stat = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  } catch {}
  const buf = Buffer.alloc(128);
  /** The main thread's time on a CPU so far (ms), or NaN. */
  const cpuMs = () => {
    if (stat < 0) return Number.NaN;
    const n = readSync(stat, buf, 0, buf.length, 0);
    return Number(buf.toString('latin1', 0, n).split(' ', 1)[0]) / 1e6;
  };
  let lines = [];
  let last = performance.now();
  let lastCpu = cpuMs();
  const tick = () => {
    const now = performance.now();
    const cpu = cpuMs();
    const gap = now - last - 1;
    if (gap > MIN_MS)
      lines.push(
        `${Date.now()} ${gap.toFixed(1)} ${(cpu - lastCpu).toFixed(1)} ${process.hrtime.bigint() / 1000n}`,
      );
    last = now;
    lastCpu = cpu;
    setTimeout(tick, 1).unref();
  };
  setTimeout(tick, 1).unref();
  const flush = () => {
    if (lines.length === 0) return;
    appendFileSync(file, `${lines.join('\n')}\n`);
    lines = [];
  };
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration > 10)
        lines.push(
          `${Math.round(performance.timeOrigin + e.startTime + e.duration)} gc ${e.duration.toFixed(1)} ${e.detail?.kind}`,
        );
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  setInterval(flush, 1000).unref();
  process.on('exit', flush);
}
