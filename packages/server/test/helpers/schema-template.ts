import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { Store } from '../../src/store/store.ts';
import { dropSchema, newDatabaseName, newSchemaName } from './postgres.ts';

/**
 * A test server's SQLite file starts as a copy of a migrated schema instead of running every
 * migration. Each process migrates one store in memory, once, and keeps what that made: the
 * statements of `sqlite_master` in their order and the rows the migrations wrote (the migration
 * list among them). A new file then takes about 12 ms of CPU instead of about 150, on each of the
 * suite's hundreds of server starts. The node's own `migrate()` still runs on start and finds
 * nothing to do; `schema-template.test.ts` checks that a copy equals a migrated store.
 */
export interface SchemaTemplate {
  /** `CREATE …` statements in the order SQLite keeps them. */
  statements: string[];
  /** The rows the migrations wrote, by table. */
  rows: Record<string, Record<string, unknown>[]>;
}

let template: Promise<SchemaTemplate> | undefined;

/** The migrated schema of this process (made on first use). */
export function sqliteTemplate(): Promise<SchemaTemplate> {
  template ??= (async () => {
    const store = await Store.open({ sqlitePath: ':memory:' });
    try {
      await store.migrate();
      const objects = await sql<{ type: string; name: string; sql: string }>`
        select type, name, sql from sqlite_master
        where sql is not null and name not like 'sqlite_%' order by rowid`.execute(store.db);
      const rows: SchemaTemplate['rows'] = {};
      for (const o of objects.rows) {
        if (o.type !== 'table') continue;
        const r = await sql<Record<string, unknown>>`select * from ${sql.table(o.name)}`.execute(store.db);
        if (r.rows.length > 0) rows[o.name] = r.rows;
      }
      return { statements: objects.rows.map((o) => o.sql), rows };
    } finally {
      await store.close();
    }
  })();
  return template;
}

/** Writes the migrated schema into `file`, unless the file exists (a test reusing its data). */
export async function migratedSqliteFile(file: string): Promise<void> {
  if (existsSync(file)) return;
  const t = await sqliteTemplate();
  const db = new Sqlite(file);
  try {
    db.transaction(() => {
      for (const s of t.statements) db.exec(s);
      for (const [table, rows] of Object.entries(t.rows)) {
        const columns = Object.keys(rows[0]!);
        const insert = db.prepare(
          `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        for (const row of rows) insert.run(...columns.map((c) => row[c]));
      }
    })();
  } finally {
    db.close();
  }
}

/** What pg_dump writes that is not the schema itself: comments, psql commands and session settings. */
const dumpNoise = (line: string) =>
  line.startsWith('--') || line.startsWith('\\') || /^SET |^SELECT pg_catalog\.set_config/.test(line);

/** Stands for the schema's name in the template. */
const PLACEHOLDER = '__beckon_schema__';

/** A migrated PostgreSQL schema as SQL, with PLACEHOLDER for its name. */
function pgDump(url: string, schema: string, what: '--schema-only' | '--data-only'): string {
  const out = execFileSync(
    'pg_dump',
    [what, '--no-owner', '--no-privileges', '--inserts', '-n', schema, url],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return out
    .split('\n')
    .filter((l) => !dumpNoise(l))
    .join('\n')
    .replaceAll(`${schema}.`, `${PLACEHOLDER}.`)
    .replace(`CREATE SCHEMA ${schema};`, `CREATE SCHEMA ${PLACEHOLDER};`);
}

/** A schema's objects and rows as SQL, its name replaced by PLACEHOLDER (for comparing two). */
export const pgSchemaDump = (url: string, schema: string): string =>
  `${pgDump(url, schema, '--schema-only')}\n${pgDump(url, schema, '--data-only')}`;

/** A hash of the migration files: a template made by other code is never taken for this code's. */
function migrationsHash(): string {
  const dir = new URL('../../src/store/migrations/', import.meta.url).pathname;
  const hash = createHash('sha1');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest('hex').slice(0, 16);
}

let pgTemplate: Promise<string | null> | undefined;

/**
 * The SQL that makes a migrated schema (pg_dump of one, made once and kept in the temp dir under
 * a hash of the migrations, so each test process does not migrate its own); null without pg_dump.
 */
export function pgTemplateSql(url: string): Promise<string | null> {
  pgTemplate ??= (async () => {
    const cached = join(tmpdir(), `beckon-pg-template-${migrationsHash()}.sql`);
    if (existsSync(cached)) return readFileSync(cached, 'utf8');
    const schema = `t_template_${process.pid}_${Date.now().toString(36)}`;
    const store = await Store.open({ databaseUrl: url, pgSchema: schema });
    try {
      await store.migrate();
      const text = pgSchemaDump(url, schema);
      // Written whole, then renamed: a process reading it never sees half of it.
      const partial = `${cached}.${process.pid}`;
      writeFileSync(partial, text);
      renameSync(partial, cached);
      return text;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // no pg_dump here
      throw err;
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  })();
  return pgTemplate;
}

/**
 * Makes `schema` a copy of the migrated schema, in one transaction: about a third of the server's
 * CPU of running every migration. False when there is no template (no pg_dump): migrate instead.
 */
export async function migratedPgSchema(url: string, schema: string): Promise<boolean> {
  const text = await pgTemplateSql(url);
  if (text === null) return false;
  await withClient(url, (c) => c.query(`BEGIN;\n${text.replaceAll(PLACEHOLDER, schema)}\nCOMMIT;`));
  return true;
}

/** `url` with its database replaced by `database`. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn` with one connection to `url`, closed after. */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** How long a test database may live before a later process counts it as left behind by a crash. */
const STALE_MS = 6 * 3600_000;

/** pgTemplateDatabase's answer by server URL (a role that may not create databases has none). */
const pgTemplateDbs = new Map<string, Promise<string | null>>();

/**
 * The name of a database migrated by this code and marked as a template that nobody may connect
 * to, made once per machine (under an advisory lock, as several test processes start at once) and
 * kept between runs under a hash of the migrations. Null when this role may not create databases.
 * It also drops what runs left behind more than STALE_MS ago: the test databases of a crashed run
 * (their names carry their creation time: see newDatabaseName) and the templates of other migrations.
 */
export function pgTemplateDatabase(url: string): Promise<string | null> {
  const known = pgTemplateDbs.get(url);
  if (known) return known;
  const made = makePgTemplateDatabase(url);
  pgTemplateDbs.set(url, made);
  return made;
}

/** pgTemplateDatabase's work, each time it is called. */
export function makePgTemplateDatabase(url: string): Promise<string | null> {
  return withClient(url, async (c) => {
    const role = await c.query<{ ok: boolean }>(
      'select rolcreatedb or rolsuper as ok from pg_roles where rolname = current_user',
    );
    if (!role.rows[0]?.ok) return null;
    const name = `beckon_tpl_${migrationsHash()}`;
    await c.query("select pg_advisory_lock(hashtext('beckon test template database'))");
    try {
      const found = await c.query<{ datistemplate: boolean }>(
        'select datistemplate from pg_database where datname = $1',
        [name],
      );
      if (!found.rows[0]?.datistemplate) {
        // Half made by a process that died: start again.
        if (found.rows.length > 0) await c.query(`DROP DATABASE "${name}" WITH (FORCE)`);
        await c.query(`CREATE DATABASE "${name}"`);
        const store = await Store.open({ databaseUrl: databaseUrl(url, name) });
        try {
          await store.migrate();
        } finally {
          await store.close();
        }
        await c.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
        await c.query(`COMMENT ON DATABASE "${name}" IS 'Beckon test template, made ${Date.now()}'`);
      }
      // What earlier runs left: test databases of a crashed run, templates of other migrations.
      const left = await c.query<{ datname: string; datistemplate: boolean; comment: string | null }>(
        `select datname, datistemplate, shobj_description(oid, 'pg_database') as comment from pg_database
         where datname ~ '^beckon_t_[0-9a-z]+_[0-9a-z]+$' or (datname like 'beckon\\_tpl\\_%' and datname <> $1)`,
        [name],
      );
      for (const db of left.rows) {
        const made = db.datistemplate
          ? Number(/made (\d+)/.exec(db.comment ?? '')?.[1] ?? 0)
          : Number.parseInt(db.datname.split('_')[2]!, 36);
        if (Date.now() - made < STALE_MS) continue;
        if (db.datistemplate) await c.query(`ALTER DATABASE "${db.datname}" WITH IS_TEMPLATE false`);
        await c.query(`DROP DATABASE IF EXISTS "${db.datname}" WITH (FORCE)`);
      }
      return name;
    } finally {
      await c.query("select pg_advisory_unlock(hashtext('beckon test template database'))");
    }
  });
}

/**
 * Makes the database `name` a copy of the template database and returns its URL: PostgreSQL copies
 * the files (about 0.15 s of its CPU with the drop, against about 1 s to copy the schema as SQL,
 * find nothing to migrate and drop it). Null when this role may not create databases: copy a
 * schema instead (migratedPgSchema).
 */
export async function migratedPgDatabase(url: string, name: string): Promise<string | null> {
  const template = await pgTemplateDatabase(url);
  if (template === null) return null;
  await withClient(url, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return databaseUrl(url, name);
}

/** Drops a test database, closing any connection still open to it. */
export async function dropPgDatabase(url: string, name: string): Promise<void> {
  await withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** A migrated PostgreSQL store of one test's own: where it is and how to remove it. */
export interface PgTestStore {
  /** The URL to open it with. */
  url: string;
  /** The schema it is in, where the role may not create databases; else the database's own. */
  schema?: string;
  /** Drops it, closing what is still connected to it. */
  drop(): Promise<void>;
}

/**
 * A fresh migrated PostgreSQL store for one test: a database of its own copied from the template
 * database. Where the role may not create databases, a schema of its own in the test database,
 * copied from the template's SQL (without pg_dump, left for the node to create and migrate).
 */
export async function freshPgStore(url: string): Promise<PgTestStore> {
  const name = newDatabaseName();
  const own = await migratedPgDatabase(url, name);
  if (own) return { url: own, drop: () => dropPgDatabase(url, name) };
  const schema = newSchemaName();
  await migratedPgSchema(url, schema);
  return { url, schema, drop: () => dropSchema(schema) };
}
