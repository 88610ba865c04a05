import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { refreshVisitorsFacts } from './contact-facts.ts';
import type { EventFrame } from './event-rows.ts';
import type { Database } from './schema.ts';

/**
 * What segments read of the event log, kept per visitor so a count never parses frames: the last
 * time a visitor viewed a page in each section (`visitor_sections`), and the largest cart total
 * of each frame that put a cart together (`visitor_carts`). Written with the frames, in the same
 * transaction of the events writer: one upsert per batch. The tracker names a frame's sections
 * and cart while it reads the events anyway, so the writer parses nothing.
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations pass an untyped Kysely.
type Db = Kysely<Database> | Kysely<any>;

const CHUNK = 200;
const later = (table: string, column: string) =>
  sql.raw(
    `case when excluded.${column} > ${table}.${column} then excluded.${column} else ${table}.${column} end`,
  );

/** Upserts the marks of these frames. */
export async function writeMarks(db: Db, frames: readonly EventFrame[]): Promise<void> {
  const sections = new Map<string, [string, string, string, string, number]>();
  const carts = new Map<string, [string, string, string, number, number]>();
  for (const f of frames) {
    if (f.sections !== undefined) {
      for (const s of JSON.parse(f.sections) as string[]) {
        const key = `${f.siteId}\u0000${f.visitorId}\u0000${s}`;
        const had = sections.get(key);
        if (!had || had[4] < f.ts) sections.set(key, [f.accountId, f.siteId, f.visitorId, s, f.ts]);
      }
    }
    if (f.cart !== undefined) {
      const key = `${f.siteId}\u0000${f.visitorId}\u0000${f.ts}`;
      const had = carts.get(key);
      if (!had || had[4] < f.cart) carts.set(key, [f.accountId, f.siteId, f.visitorId, f.ts, f.cart]);
    }
  }
  const s = [...sections.values()];
  for (let i = 0; i < s.length; i += CHUNK) {
    const values = s.slice(i, i + CHUNK).map((r) => sql`(${sql.join(r)})`);
    await sql`insert into visitor_sections (account_id, site_id, visitor_id, section, last_at)
      values ${sql.join(values)} on conflict (site_id, visitor_id, section)
      do update set last_at = ${later('visitor_sections', 'last_at')}`.execute(db);
  }
  const c = [...carts.values()];
  for (let i = 0; i < c.length; i += CHUNK) {
    const values = c.slice(i, i + CHUNK).map((r) => sql`(${sql.join(r)})`);
    await sql`insert into visitor_carts (account_id, site_id, visitor_id, at, total)
      values ${sql.join(values)} on conflict (site_id, visitor_id, at)
      do update set total = ${later('visitor_carts', 'total')}`.execute(db);
  }
  // A contact's open cart is one of its facts (contact-facts.ts).
  if (c.length > 0)
    await refreshVisitorsFacts(
      db,
      c.map((r) => [r[1], r[2]] as const),
    );
}

/** Forgets the marks of erased visitors. */
export async function dropMarks(db: Db, accountId: string, visitorIds: readonly string[]): Promise<void> {
  if (visitorIds.length === 0) return;
  for (const t of ['visitor_sections', 'visitor_carts'])
    await sql`delete from ${sql.table(t)} where account_id = ${accountId}
      and visitor_id in (${sql.join(visitorIds)})`.execute(db);
}

/**
 * Forgets marks older than the event log keeps (the frames they came from are gone), and the open
 * carts of the contacts whose carts went.
 */
export async function forgetMarksBefore(db: Db, accountId: string, before: number): Promise<void> {
  await sql`delete from visitor_sections where account_id = ${accountId} and last_at < ${before}`.execute(db);
  const carts = await sql<{ site_id: string; visitor_id: string }>`delete from visitor_carts
    where account_id = ${accountId} and at < ${before} returning site_id, visitor_id`.execute(db);
  await refreshVisitorsFacts(
    db,
    carts.rows.map((r) => [r.site_id, r.visitor_id] as const),
  );
}

/** Recomputes the marks from the event log (of one account, or of all): the backfill (the contacts' facts after it: open carts). */
export async function rebuildVisitorMarks(db: Db, accountId?: string): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const mine = accountId === undefined ? sql`1 = 1` : sql`account_id = ${accountId}`;
  const frames = accountId === undefined ? sql`1 = 1` : sql`f.account_id = ${accountId}`;
  await sql`delete from visitor_sections where ${mine}`.execute(db);
  await sql`delete from visitor_carts where ${mine}`.execute(db);
  const events = pg
    ? sql`cross join jsonb_array_elements(f.frame::jsonb -> 'events') e`
    : sql`cross join json_each(f.frame, '$.events') e`;
  const type = pg ? sql`e.value ->> 'type'` : sql`json_extract(e.value, '$.type')`;
  const sections = pg
    ? sql`cross join jsonb_array_elements_text(e.value -> 'sections') s`
    : sql`cross join json_each(e.value, '$.sections') s`;
  const has = (needle: string) =>
    pg ? sql`strpos(f.frame, ${needle}) > 0` : sql`instr(f.frame, ${needle}) > 0`;
  await sql`insert into visitor_sections (account_id, site_id, visitor_id, section, last_at)
    select f.account_id, f.site_id, f.visitor_id, s.value, max(f.ts)
    from event_frames f ${events} ${sections}
    where ${frames} and ${has('"sections"')} and ${type} in ('page_view', 'section')
    group by f.account_id, f.site_id, f.visitor_id, s.value`.execute(db);
  const total = pg
    ? sql`case when jsonb_typeof(e.value -> 'value' -> 'total') = 'number' then cast(e.value -> 'value' ->> 'total' as double precision) end`
    : sql`case when json_type(e.value, '$.value.total') in ('integer', 'real') then json_extract(e.value, '$.value.total') end`;
  const cart = pg ? sql`e.value ->> 'attrType' = 'cart'` : sql`json_extract(e.value, '$.attrType') = 'cart'`;
  await sql`insert into visitor_carts (account_id, site_id, visitor_id, at, total)
    select f.account_id, f.site_id, f.visitor_id, f.ts, max(${total})
    from event_frames f ${events}
    where ${frames} and ${has('"cart"')} and ${type} = 'attr' and ${cart} and ${total} is not null
    group by f.account_id, f.site_id, f.visitor_id, f.ts`.execute(db);
}
