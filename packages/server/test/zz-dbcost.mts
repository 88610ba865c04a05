import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { Store } from '../src/store/store.ts';
import { pgTemplateSql } from './helpers/schema-template.ts';

const dir = mkdtempSync('/tmp/zzpg-');
chmodSync(dir, 0o755);
chownSync(
  dir,
  Number(execFileSync('id', ['-u', 'postgres']).toString()),
  Number(execFileSync('id', ['-g', 'postgres']).toString()),
);
const as = (cmd: string, args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
as('/usr/lib/postgresql/15/bin/initdb', ['-D', `${dir}/data`, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8']);
const port = 55432;
as('/usr/lib/postgresql/15/bin/pg_ctl', [
  '-D',
  `${dir}/data`,
  '-o',
  `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
  '-l',
  `${dir}/log`,
  '-w',
  'start',
]);
const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
const pmPid = Number(readFileSync(`${dir}/data/postmaster.pid`, 'utf8').split('\n')[0]);
const pgCpu = () => {
  const f = readFileSync(`/proc/${pmPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14]) + Number(f[11]) + Number(f[12])) / 100;
};
const q = async (u: string, text: string) => {
  const c = new pg.Client({ connectionString: u });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
};
const N = Number(process.env.N ?? 15);
try {
  const text = (await pgTemplateSql(url))!;
  // A: schema
  let cpu0 = pgCpu();
  let t0 = Date.now();
  for (let i = 0; i < N; i++) {
    const s = `s${i}`;
    await q(url, `BEGIN;\n${text.replaceAll('__beckon_schema__', s)}\nCOMMIT;`);
    const st = await Store.open({ databaseUrl: url, pgSchema: s });
    await st.migrate();
    await st.close();
    await q(url, `DROP SCHEMA ${s} CASCADE`);
  }
  console.log(
    'schema: per server',
    ((Date.now() - t0) / N).toFixed(0),
    'ms wall',
    (((pgCpu() - cpu0) / N) * 1000).toFixed(0),
    'ms pg cpu',
  );
  // B: database
  await q(url, 'create database tpl');
  {
    const st = await Store.open({ databaseUrl: url.replace(/\/postgres$/, '/tpl') });
    await st.migrate();
    await st.close();
  }
  await q(url, 'alter database tpl with is_template true allow_connections false');
  const strat = process.env.STRAT ?? 'wal_log';
  cpu0 = pgCpu();
  t0 = Date.now();
  for (let i = 0; i < N; i++) {
    await q(url, `create database d${i} template tpl strategy ${strat}`);
    const st = await Store.open({ databaseUrl: url.replace(/\/postgres$/, `/d${i}`) });
    await st.migrate();
    await st.close();
    await q(url, `drop database d${i} with (force)`);
  }
  console.log(
    'database',
    strat,
    ': per server',
    ((Date.now() - t0) / N).toFixed(0),
    'ms wall',
    (((pgCpu() - cpu0) / N) * 1000).toFixed(0),
    'ms pg cpu',
  );
  console.log(
    String((await q(url, 'select checkpoints_req from pg_stat_bgwriter')).rows[0].checkpoints_req),
    'checkpoints requested',
  );
} finally {
  as('/usr/lib/postgresql/15/bin/pg_ctl', ['-D', `${dir}/data`, '-m', 'immediate', 'stop']);
  execFileSync('rm', ['-rf', dir]);
}
