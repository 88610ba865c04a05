import { type ChildProcess, type StdioOptions, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** A server under test, in its own process so its CPU is separate from the load generator's. */
export interface ChildServer {
  port: number;
  /** Everything the server printed on stdout until it listened (e.g. `site KEY`). */
  output: string;
  child: ChildProcess;
  /** CPU seconds the server process (all its threads) used so far (from /proc), or NaN where unavailable. */
  cpuSeconds(): Promise<number>;
  /** CPU seconds of its main thread alone (the one serving sockets). */
  mainThreadCpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx FILE` (under `npm test`, the runner's loader: tsLoaderArgs) with `env`
 * and waits for a `listening PORT` line. Node flags in BENCH_SERVER_NODE_ARGS are added (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"); what the server
 * prints after it listens (e.g. --trace-gc) goes to stderr. BENCH_SERVER_WRAPPER runs Node under
 * another command (e.g. "valgrind --tool=callgrind"), BENCH_START_TIMEOUT_MS waits longer for it.
 */
export function startChildServer(
  file: string,
  env: Record<string, string> = {},
  args: string[] = [],
  opts: { openFiles?: number; startTimeoutMs?: number } = {},
): Promise<ChildServer> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawnNode([...nodeArgs, ...tsLoaderArgs(), file, ...args], env, opts.openFiles, [
    'ignore',
    'pipe',
    'inherit',
  ]);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${file} did not start: ${out}`)),
      Number(process.env.BENCH_START_TIMEOUT_MS ?? opts.startTimeoutMs ?? 60_000),
    );
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.pipe(process.stderr);
      const pid = child.pid!;
      resolve({
        port: Number(m[1]),
        output: out,
        child,
        cpuSeconds: () => procCpuSeconds(pid),
        mainThreadCpuSeconds: () => procCpuSeconds(pid, pid),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 12_000).unref();
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}: ${out}`));
    });
  });
}

/**
 * The flags that let a child Node run TypeScript: the test runner's loader when this process runs
 * under it (scripts/ts-loader.mjs: each file compiled once and cached for every process), else tsx.
 * Under `npm test` a bench server then starts on about a quarter less CPU; `npm run bench` is as before.
 */
export function tsLoaderArgs(execArgv: readonly string[] = process.execArgv): string[] {
  const at = execArgv.findIndex(
    (a, i) => a === '--import' && /[/\\]ts-loader\.mjs$/.test(execArgv[i + 1] ?? ''),
  );
  return ['--import', at >= 0 ? execArgv[at + 1]! : 'tsx'];
}

/**
 * Spawns Node with `args`; with `openFiles`, under `prlimit` raising its open-files limit (soft
 * and hard) to that many — possible as root, or below the current hard limit. Otherwise as is, or
 * under the command in BENCH_SERVER_WRAPPER (a profiler).
 */
export function spawnNode(
  args: string[],
  env: Record<string, string>,
  openFiles: number | undefined,
  stdio: StdioOptions,
): ChildProcess {
  const options = { env: { ...process.env, ...env }, stdio };
  if (openFiles && canRaiseOpenFiles(openFiles)) {
    return spawn('prlimit', [`--nofile=${openFiles}:${openFiles}`, '--', process.execPath, ...args], options);
  }
  const wrapper = process.env.BENCH_SERVER_WRAPPER?.split(' ').filter(Boolean);
  if (wrapper?.length) return spawn(wrapper[0]!, [...wrapper.slice(1), process.execPath, ...args], options);
  return spawn(process.execPath, args, options);
}

/** Whether `prlimit` exists here and may set the open-files limit to `n` for a child. */
function canRaiseOpenFiles(n: number): boolean {
  const probe = spawnSync('prlimit', [`--nofile=${n}:${n}`, '--', 'true']);
  return probe.status === 0;
}

/** The open-files limit (soft) of a running process, from /proc (Linux), or NaN. */
export function openFilesLimit(pid: number): number {
  try {
    const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
    return Number(/Max open files\s+(\d+)/.exec(limits)?.[1]);
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds the whole machine was busy so far, all cores together (from /proc/stat, the kernel's
 * softirq work on the loopback included), or NaN where unavailable.
 */
export async function machineBusySeconds(): Promise<number> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
    const [, ...ticks] = line.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal: all but idle, iowait and steal (time the
    // host gave to others); guest time is counted in user already.
    const busy = ticks.slice(0, 7).reduce((a, t, i) => (i === 3 || i === 4 ? a : a + t!), 0);
    return busy / 100;
  } catch {
    return Number.NaN;
  }
}

/** User+system CPU seconds of a process (or of one of its threads), from /proc (Linux). */
export async function procCpuSeconds(pid: number, thread?: number): Promise<number> {
  try {
    const stat = await readFile(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Seconds a thread has waited for a core so far, ready to run but not running (Linux's schedstat),
 * or NaN. The node's gate reads the same of its socket thread (ops/socket-turns.ts).
 */
export async function threadCoreWaitSeconds(pid: number, thread: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/task/${thread}/schedstat`, 'utf8');
    return Number(stat.split(' ')[1]) / 1e9;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process in bytes (Linux), or NaN. */
export async function procRssBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb * 1024;
  } catch {
    return Number.NaN;
  }
}
