// `npm run bench [-- NAME] [--duration S] [--runs N] [--json] [--knob value]`
// Runs the workloads (docs/benchmarks.md), stores each result in bench/results/NAME.json and
// regenerates BENCHMARKS.md from all results. With --runs N each workload runs N times and every
// numeric figure recorded is the median of its N values. With --json the last line printed is the result.
// Without a NAME every workload runs except `scaleout` (several nodes on PostgreSQL + Redis) and
// `broadcast` (100,000 recipients and a segment count over 1 M contacts take many minutes).
import { existsSync } from 'node:fs';
import { writeReport, writeResult } from './report.ts';
import { median, round } from './stats.ts';
import type { BenchResult, Workload } from './types.ts';

export const WORKLOADS = [
  'ingest',
  'tracker',
  'targeting',
  'connections',
  'weight',
  'chat',
  'scoring',
  'reports',
  'messaging',
  'channels',
  'voice',
  'webhooks',
  'assist',
  'broadcast',
  'mobile',
  'phone',
  'scaleout',
] as const;

/** Workloads too slow (or needing PostgreSQL and Redis) for the default `npm run bench`; run them by name. */
const ON_REQUEST: readonly string[] = ['broadcast', 'scaleout'];

function parseArgs(argv: string[]) {
  const names: string[] = [];
  const flags: Record<string, string> = {};
  let json = false;
  let duration: number | undefined;
  let runs = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--duration') duration = Number(argv[++i]);
    else if (a === '--runs') runs = Math.max(1, Number(argv[++i]) || 1);
    else if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=');
      // `--knob value`, `--knob=value`, or a switch such as `--keep` (followed by another flag or nothing).
      const next = argv[i + 1];
      flags[k!] = v ?? (next === undefined || next.startsWith('--') ? '' : argv[++i]!);
    } else names.push(a);
  }
  return { names, flags, json, duration, runs };
}

async function load(name: string): Promise<Workload | undefined> {
  const file = new URL(`./workloads/${name}.ts`, import.meta.url);
  if (!existsSync(file)) return undefined;
  return (await import(file.href)).default as Workload;
}

const USAGE = `usage: npm run bench [-- NAME ...] [--duration S] [--runs N] [--json] [--KNOB VALUE]

  NAME        one or more of: ${WORKLOADS.join(', ')}
              (none: every workload but ${ON_REQUEST.join(', ')})
  --duration  seconds each measured phase lasts (each workload has its own default)
  --runs      run each workload N times and record the median of every figure
  --json      print the result as one JSON object on the last line
  --KNOB      a workload's own setting (e.g. ingest --sockets 400, chat --rounds 3);
              docs/benchmarks.md lists each workload's knobs

Results go to bench/results/NAME.json and BENCHMARKS.md is rewritten from them.`;

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const { names, flags, json, duration, runs } = parseArgs(argv);
  const unknown = names.filter((n) => !(WORKLOADS as readonly string[]).includes(n));
  if (unknown.length) {
    console.error(`unknown workload ${unknown.join(', ')}; choose from ${WORKLOADS.join(', ')}`);
    process.exit(2);
  }
  if (duration !== undefined && !(duration > 0)) {
    console.error('--duration takes a number of seconds above 0');
    process.exit(2);
  }
  const selected = names.length ? names : WORKLOADS.filter((w) => !ON_REQUEST.includes(w));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let last: BenchResult | undefined;
  for (const name of selected) {
    const run = await load(name);
    if (!run) {
      log(`${name}: not implemented yet`);
      continue;
    }
    const results: BenchResult[] = [];
    for (let r = 1; r <= runs; r++) {
      log(`== ${name}${runs > 1 ? ` (run ${r} of ${runs})` : ''}`);
      results.push(await run({ duration, flags, log }));
    }
    const result = runs > 1 ? medianResult(results) : results[0]!;
    last = result;
    writeResult(result);
    if (!json) console.log(JSON.stringify(result, null, 2));
  }
  writeReport();
  if (json && last) console.log(JSON.stringify(last));
}

/** Every numeric figure as the median of the runs (other values from the last run), with the run count. */
function medianResult(results: BenchResult[]): BenchResult {
  const out: BenchResult = { ...results.at(-1)!, runs: results.length };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v !== 'number' || k === 'runs') continue;
    const values = results.map((r) => r[k]).filter((x): x is number => typeof x === 'number');
    out[k] = round(median(values));
  }
  return out;
}

await main();
process.exit(0);
