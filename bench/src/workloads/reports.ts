// W7 reports: the analytics reports over a month of a busy shop (1 M stored events by default),
// each timed through the HTTP API (median of --timings, after one warm-up), on SQLite and optionally
// PostgreSQL (`--store postgres|both`); on SQLite also the funnel's CPU time in the node (median).
// Knobs: --events N, --timings N, --keep (leave the data).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { analyticsOf } from '../../../packages/server/src/analytics/analytics-runtime.ts';
import { loadConfig } from '../../../packages/server/src/config.ts';
import { createNode } from '../../../packages/server/src/node.ts';
import { Store } from '../../../packages/server/src/store/store.ts';
import { median, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { type BulkWriter, postgresWriter, sqliteWriter } from './reports/bulk-writer.ts';
import { generateDataset } from './reports/dataset.ts';

const TARGET_MS = 1000;
const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

type Figures = Record<string, number | string>;

/** Loads the dataset into a fresh store of the given kind, then times every report against it. */
async function measure(
  kind: 'sqlite' | 'postgres',
  events: number,
  runs: number,
  opts: BenchOptions,
): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-bench-reports-'));
  const schema = `bench_reports_${Date.now().toString(36)}`;
  const file = join(dataDir, 'beckon.db');
  const now = Date.now();
  const storeOpts = kind === 'sqlite' ? { sqlitePath: file } : { databaseUrl: PG_URL, pgSchema: schema };
  try {
    const store = await Store.open(storeOpts);
    await store.migrate();
    const writer: BulkWriter = kind === 'sqlite' ? sqliteWriter(file) : await postgresWriter(PG_URL, schema);
    let started = performance.now();
    const data = await generateDataset(store, writer, events, now);
    await writer.close();
    await store.close();
    const generateS = (performance.now() - started) / 1000;
    opts.log(
      `${kind}: ${data.events} events, ${data.sessions} sessions, ${data.visitors} visitors, ${data.exposures} exposures, ` +
        `${data.conversations} conversations, ${data.purchases} purchases loaded in ${generateS.toFixed(1)} s`,
    );
    if (kind === 'postgres') await analyze(schema); // what autovacuum does after a bulk load

    const config = loadConfig({ port: 0, dataDir, logLevel: 'silent' }, {});
    config.databaseUrl = kind === 'postgres' ? PG_URL : undefined;
    const node = await createNode(config, {
      logger: pino({ level: 'silent' }),
      pgSchema: kind === 'postgres' ? schema : undefined,
    });
    try {
      started = performance.now();
      await analyticsOf(node.ctx).job.catchUp();
      const attributionS = (performance.now() - started) / 1000;
      const recorded = await node.ctx.store.db
        .selectFrom('conversions')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const conversions = Number(recorded.n);
      opts.log(`${kind}: attributed ${conversions} conversions in ${attributionS.toFixed(1)} s`);

      const { key } = await node.ctx.store.apiKeys.create(data.accountId, 'bench');
      const range = `from=${new Date(now - 30 * 86_400_000).toISOString()}&to=${new Date(now).toISOString()}`;
      const time = async (path: string, pause = 0) => {
        const cpus: number[] = [];
        const once = async () => {
          const cpu = process.cpuUsage();
          const t = performance.now();
          const res = await node.app.inject({
            method: 'GET',
            url: path,
            headers: { authorization: `Bearer ${key}` },
          });
          if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body.slice(0, 300)}`);
          const ms = performance.now() - t;
          const used = process.cpuUsage(cpu);
          cpus.push((used.user + used.system) / 1000);
          return ms;
        };
        const cold = await once();
        cpus.length = 0;
        const samples: number[] = [];
        for (let i = 0; i < runs; i++) {
          if (pause) await new Promise((r) => setTimeout(r, pause));
          samples.push(await once());
        }
        return { cold, median: median(samples), cpu: median(cpus) };
      };
      const figures: Figures = {
        sessions: data.sessions,
        visitors: data.visitors,
        exposures: data.exposures,
        conversations: data.conversations,
        conversions,
        load_s: round(generateS),
        attribution_s: round(attributionS),
        conversions_per_s: round(conversions / attributionS),
      };
      const reports: Array<[string, string, number?]> = [
        ['funnel', `/api/v1/reports/funnel?${range}`],
        ['funnel_campaign', `/api/v1/reports/funnel?${range}&campaignId=${data.campaignIds[0]}`],
        ['conversations', `/api/v1/reports/conversations?${range}`],
        ['agents', `/api/v1/reports/agents?${range}`],
        ['lift', `/api/v1/reports/campaigns/${data.campaignIds[0]}/lift?${range}`],
        ['lift_all', `/api/v1/reports/campaigns?${range}`],
        ['variants', `/api/v1/reports/campaigns/${data.campaignIds[0]}/variants?${range}`],
        ['bands', `/api/v1/reports/campaigns/${data.campaignIds[0]}/bands?${range}`],
        ['countries', `/api/v1/reports/campaigns/${data.campaignIds[0]}/countries?${range}`],
        ['funnel_csv', `/api/v1/reports/funnel?${range}&format=csv`],
        // Past the dashboard's sub-second cache each time: what a polling console costs.
        ['live', '/api/v1/reports/live', 800],
      ];
      let worst = 0;
      for (const [name, path, pause] of reports) {
        const t = await time(path, pause);
        figures[`${name}_ms`] = round(t.median);
        figures[`${name}_cold_ms`] = round(t.cold);
        // On SQLite the node's own CPU is the query's: a figure a busy machine moves far less than time.
        if (kind === 'sqlite' && name === 'funnel') figures.funnel_cpu_ms = round(t.cpu);
        worst = Math.max(worst, t.median);
        opts.log(`${kind}: ${name} median ${t.median.toFixed(1)} ms (cold ${t.cold.toFixed(1)} ms)`);
      }
      figures.slowest_ms = round(worst);
      figures.within_target = worst < TARGET_MS ? 'yes' : 'no';
      if (kind === 'sqlite') figures.db_mb = round(statSync(file).size / 1e6);
      return figures;
    } finally {
      await node.close();
    }
  } finally {
    if (!('keep' in opts.flags)) {
      rmSync(dataDir, { recursive: true, force: true });
      if (kind === 'postgres') await dropSchema(schema).catch(() => {});
    } else opts.log(`kept ${kind === 'sqlite' ? file : `schema ${schema}`}`);
  }
}

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const analyze = (schema: string) => withClient((c) => c.query(`SET search_path = "${schema}"; ANALYZE;`));
const dropSchema = (schema: string) =>
  withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const events = Number(opts.flags.events ?? 1_000_000);
  // Not `--runs`: that one repeats the whole workload (bench/src/cli.ts).
  const runs = Number(opts.flags.timings ?? 5);
  const stores = opts.flags.store ?? 'sqlite';
  if (!['sqlite', 'postgres', 'both'].includes(stores))
    throw new Error('--store must be sqlite, postgres or both');
  const result: BenchResult = { workload: 'reports', events, timings_per_report: runs, target_ms: TARGET_MS };
  if (stores !== 'postgres') Object.assign(result, await measure('sqlite', events, runs, opts));
  if (stores !== 'sqlite') {
    const figures = await measure('postgres', events, runs, opts);
    for (const [k, v] of Object.entries(figures)) result[`pg_${k}`] = v;
  }
  return result;
}
