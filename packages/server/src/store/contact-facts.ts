import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Facts per contact that segments read instead of joining every purchase and visit
 * (`contact_facts`): number, sum and latest time of its purchases, the score of its latest scored
 * visit and the country of its latest visit with one. A contact's facts are always recomputed
 * whole from its history (its visitors' purchases and visits), so a refresh cannot drift: every
 * write that changes a contact's history, or which visitors are its own (identify, merge, unmerge,
 * erase, retention), refreshes the contacts it touched. A contact without any purchase, score or
 * country has no row.
 */

// biome-ignore lint/suspicious/noExplicitAny: migrations pass an untyped Kysely.
type Db = Kysely<Database> | Kysely<any>;

/**
 * Rows of `table` of the contact `c`'s visitors, in the contact's account: from the contact's few
 * visitors to their rows (`cross join` keeps SQLite in that order; `+` keeps it off the indexes
 * by account, which would read every visit of the account for each contact).
 */
const ofContact = (table: string, pg: boolean) =>
  sql`from contact_visitors cv cross join ${sql.table(table)} s where s.site_id = cv.site_id and s.visitor_id = cv.visitor_id and cv.contact_id = c.id and ${sql.raw(pg ? '' : '+')}s.account_id = c.account_id`;

const latest = (table: string, column: string, pg: boolean) =>
  sql`(select s.${sql.ref(column)} ${ofContact(table, pg)} and s.${sql.ref(column)} is not null order by s.started_at desc, s.id desc limit 1)`;

/** The facts of the contacts `where` picks, computed from their history. */
function computed(db: Db, where: ReturnType<typeof sql>) {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const purchases = sql`${ofContact('conversions', true)} and s.kind = 'purchase'`;
  return sql`select * from (select c.id as contact_id, c.account_id,
    (select count(*) ${purchases}) as purchase_count,
    (select coalesce(sum(s.revenue), 0) ${purchases}) as purchase_total,
    (select max(s.ts) ${purchases}) as last_purchase_at,
    ${latest('model_sessions', 'score', pg)} as score,
    ${latest('visitor_sessions', 'country', pg)} as country
  from contacts c where ${where}) f
  where f.purchase_count > 0 or f.score is not null or f.country is not null`;
}

const COLUMNS = sql`(contact_id, account_id, purchase_count, purchase_total, last_purchase_at, score, country)`;
const CHUNK = 500;

/** Recomputes the facts of these contacts of the account (merged-away ones end with none). */
export async function refreshContactFacts(
  db: Db,
  accountId: string,
  contactIds: Iterable<string>,
): Promise<void> {
  const ids = [...new Set(contactIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    await sql`delete from contact_facts where contact_id in (${sql.join(chunk)})`.execute(db);
    await sql`insert into contact_facts ${COLUMNS} ${computed(
      db,
      sql`c.account_id = ${accountId} and c.id in (${sql.join(chunk)})`,
    )}`.execute(db);
  }
}

/** The contacts these visitors belong to now. */
export async function contactsOfVisitors(
  db: Db,
  visitors: Iterable<readonly [siteId: string, visitorId: string]>,
): Promise<Map<string, Set<string>>> {
  const byAccount = new Map<string, Set<string>>();
  const all = [...visitors];
  for (let i = 0; i < all.length; i += CHUNK) {
    const pairs = all.slice(i, i + CHUNK).map(([s, v]) => sql`(${s}, ${v})`);
    const rows = await sql<{ account_id: string; contact_id: string }>`select cv.account_id, cv.contact_id
      from contact_visitors cv where (cv.site_id, cv.visitor_id) in (values ${sql.join(pairs)})`.execute(db);
    for (const r of rows.rows) {
      const set = byAccount.get(r.account_id) ?? new Set<string>();
      set.add(r.contact_id);
      byAccount.set(r.account_id, set);
    }
  }
  return byAccount;
}

/** Refreshes the facts of the contacts these visitors belong to (none: nothing to do). */
export async function refreshVisitorsFacts(
  db: Db,
  visitors: Iterable<readonly [siteId: string, visitorId: string]>,
): Promise<void> {
  for (const [accountId, contacts] of await contactsOfVisitors(db, visitors))
    await refreshContactFacts(db, accountId, contacts);
}

/** Recomputes every contact's facts (of one account, or of all): the backfill. */
export async function rebuildContactFacts(db: Db, accountId?: string): Promise<void> {
  const where = accountId === undefined ? sql`1 = 1` : sql`c.account_id = ${accountId}`;
  const facts = accountId === undefined ? sql`1 = 1` : sql`account_id = ${accountId}`;
  await sql`delete from contact_facts where ${facts}`.execute(db);
  await sql`insert into contact_facts ${COLUMNS} ${computed(db, where)}`.execute(db);
}
