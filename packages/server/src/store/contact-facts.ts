import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Facts per contact that segments read instead of joining every purchase, visit, cart and opt-in
 * (`contact_facts`): number, sum and latest time of its purchases, the score of its latest scored
 * visit and the country of its latest visit with one; the largest cart it put together after its
 * latest purchase (its visitors' carts, visitor-marks.ts); and whether it, or a contact merged into
 * it, opted in to SMS or WhatsApp or has a device for push. A contact's facts are always recomputed
 * whole from its history (its visitors' purchases, visits and carts, its and its merged contacts'
 * opt-ins and devices), so a refresh cannot drift: every write that changes a contact's history,
 * or which visitors or merged contacts are its own (identify, merge, unmerge, erase, retention, an
 * opt-in given or withdrawn, a device added or dropped), refreshes the contacts it touched. A
 * contact with none of these has no row.
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

/**
 * Whether the contact `c`, or a contact merged into it, has a row of `rows(contactId)`: what
 * segments call its opt-in on a channel or its push device (the merged contact keeps its own rows).
 */
const ownOrMerged = (rows: (who: ReturnType<typeof sql>) => ReturnType<typeof sql>) =>
  sql`case when exists (${rows(sql`c.id`)}) or exists (select 1 from contacts m
    where m.account_id = c.account_id and m.merged_into = c.id and exists (${rows(sql`m.id`)})) then 1 else 0 end`;
const optedIn = (channel: string) =>
  ownOrMerged(
    (who) => sql`select 1 from contact_consents cc where cc.contact_id = ${who} and cc.channel = ${channel}`,
  );

const NAMES = [
  'contact_id',
  'account_id',
  'purchase_count',
  'purchase_total',
  'last_purchase_at',
  'score',
  'country',
  'open_cart_total',
  'sms_opt_in',
  'whatsapp_opt_in',
  'push_device',
] as const;

/** The facts of the contacts `where` picks, computed from their history. */
function computed(db: Db, where: ReturnType<typeof sql>) {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const purchases = sql`${ofContact('conversions', true)} and s.kind = 'purchase'`;
  // A cart is open while no purchase is at or after it: the largest of those after the latest one.
  const openCart = sql`(select max(k.total) from contact_visitors kv cross join visitor_carts k
    where kv.contact_id = g.contact_id and k.site_id = kv.site_id and k.visitor_id = kv.visitor_id
    and ${sql.raw(pg ? '' : '+')}k.account_id = g.account_id
    and (g.last_purchase_at is null or k.at > g.last_purchase_at))`;
  return sql`select ${sql.join(NAMES.map((n) => sql.ref(`f.${n}`)))} from (select g.*, ${openCart} as open_cart_total from (select c.id as contact_id, c.account_id,
    (select count(*) ${purchases}) as purchase_count,
    (select coalesce(sum(s.revenue), 0) ${purchases}) as purchase_total,
    (select max(s.ts) ${purchases}) as last_purchase_at,
    ${latest('model_sessions', 'score', pg)} as score,
    ${latest('visitor_sessions', 'country', pg)} as country,
    ${optedIn('sms')} as sms_opt_in,
    ${optedIn('whatsapp')} as whatsapp_opt_in,
    ${ownOrMerged((who) => sql`select 1 from push_devices d where d.contact_id = ${who}`)} as push_device
  from contacts c where ${where}) g) f
  where f.purchase_count > 0 or f.score is not null or f.country is not null or f.open_cart_total is not null
    or f.sms_opt_in = 1 or f.whatsapp_opt_in = 1 or f.push_device = 1`;
}

const COLUMNS = sql`(${sql.join(NAMES.map((n) => sql.ref(n)))})`;
const CHUNK = 500;

/**
 * Recomputes the facts of these contacts of the account (merged-away ones keep only their own
 * opt-ins and devices: their visitors went with the merge).
 */
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

/**
 * Refreshes the facts of contacts whose opt-ins or devices changed, and of the contact each was
 * merged into (whose facts count them too).
 */
export async function refreshOptInFacts(
  db: Db,
  accountId: string,
  contactIds: Iterable<string>,
): Promise<void> {
  const ids = [...new Set(contactIds)];
  const owners: string[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await sql<{ merged_into: string }>`select merged_into from contacts
      where account_id = ${accountId} and id in (${sql.join(ids.slice(i, i + CHUNK))}) and merged_into is not null`.execute(
      db,
    );
    for (const r of rows.rows) owners.push(r.merged_into);
  }
  await refreshContactFacts(db, accountId, [...ids, ...owners]);
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

/** Contacts per statement of a rebuild: each well under the store's limit on one statement (60 s). */
const REBUILD_CHUNK = 20_000;

/**
 * Recomputes every contact's facts (of one account, or of all): the backfill, after the visitors'
 * marks (open carts are read from them). A range of contact ids at a time: a million contacts'
 * facts in one statement ran past the store's limit on one statement on a loaded machine.
 */
export async function rebuildContactFacts(db: Db, accountId?: string): Promise<void> {
  const mine = accountId === undefined ? sql`1 = 1` : sql`c.account_id = ${accountId}`;
  // All of them: a table emptied whole, not row by row, so it is as small after as a new one
  // (PostgreSQL keeps a deleted row's room until a vacuum, and a pass over the facts reads it).
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (accountId === undefined && pg) await sql`truncate contact_facts`.execute(db);
  else {
    const facts = accountId === undefined ? sql`1 = 1` : sql`account_id = ${accountId}`;
    await sql`delete from contact_facts where ${facts}`.execute(db);
  }
  let after: string | undefined;
  for (;;) {
    const from = after === undefined ? sql`` : sql` and c.id > ${after}`;
    // The last id of this range (none: the rest is shorter than a range).
    const last = await sql<{ id: string }>`select c.id from contacts c where ${mine}${from}
      order by c.id limit 1 offset ${REBUILD_CHUNK - 1}`.execute(db);
    const upTo = last.rows[0]?.id;
    const to = upTo === undefined ? sql`` : sql` and c.id <= ${upTo}`;
    await sql`insert into contact_facts ${COLUMNS} ${computed(db, sql`${mine}${from}${to}`)}`.execute(db);
    if (upTo === undefined) return;
    after = upTo;
  }
}
