/** Flags whose value is the next argument. */
const TAKES_VALUE = /^(--(import|loader|experimental-loader|require|conditions)|-[rC])$/;
/** Flags that load code into the thread. */
const LOADER = /^(--(import|loader|experimental-loader|require)|-r)(=|$)/;
/** Flags a worker thread accepts and ours may need: loaders, resolution, warnings, profiles. */
const KEPT =
  /^--(import|loader|experimental-loader|require|conditions|enable-source-maps|no-warnings|no-deprecation|trace-warnings|trace-uncaught|(no-)?experimental-[a-z-]+|cpu-prof[a-z-]*|heap-prof[a-z-]*)(=|$)|^-[rC]$/;

/**
 * The node flags a worker thread of ours starts with: this process's loaders, module resolution,
 * warnings and profiling, minus any loader of TypeScript (tsx, the test runner's): each of our
 * threads either is plain JavaScript or registers its own loader, so an inherited one only costs
 * a second loader thread at each start. V8's settings (`--max-old-space-size`,
 * `--max-semi-space-size`…) and the process's own (`--title`, `--inspect`) stay with the process:
 * a worker refuses them (ERR_WORKER_INVALID_EXEC_ARGV), and a node started with one could not
 * start its store's threads.
 */
export function threadExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const loads = (value: string | undefined) => value !== undefined && /tsx|ts-loader/.test(value);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = TAKES_VALUE.test(a) ? argv[++i] : undefined;
    if (!KEPT.test(a)) continue;
    if (LOADER.test(a) && loads(value ?? a)) continue;
    out.push(a, ...(value === undefined ? [] : [value]));
  }
  return out;
}
