/** What every workload returns: flat, self-explaining keys (see PERFORMANCE.md). */
export interface BenchResult {
  workload: string;
  [key: string]: number | string | boolean;
}

/** Options every workload receives from `npm run bench -- NAME [--duration S] [--json] [--knob value]`. */
export interface BenchOptions {
  /** Seconds of measurement (workloads pick a sensible default when undefined). */
  duration?: number;
  /** Extra `--name value` flags, as strings. */
  flags: Record<string, string>;
  /** Progress output (stderr); silent in --json mode is not required. */
  log: (line: string) => void;
}

export type Workload = (opts: BenchOptions) => Promise<BenchResult>;
