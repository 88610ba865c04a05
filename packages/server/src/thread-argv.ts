/**
 * The node flags a worker thread of ours starts with: this process's, minus any that load a
 * TypeScript loader (tsx, the test runner's). Each of our threads either is plain JavaScript or
 * registers its own loader, so an inherited one only costs a second loader thread at each start.
 */
export function threadExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const loads = (value: string | undefined) => value !== undefined && /tsx|ts-loader/.test(value);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(import|loader|experimental-loader|require)$/.test(a) && loads(argv[i + 1])) {
      i++;
      continue;
    }
    if (/^--(import|loader|experimental-loader|require)=/.test(a) && loads(a)) continue;
    out.push(a);
  }
  return out;
}
