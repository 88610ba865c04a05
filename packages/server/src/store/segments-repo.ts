import type { SegmentFilter, SegmentInput } from '@beckon/protocol';
import { type Kysely, type RawBuilder, type Selectable, type SqlBool, sql } from 'kysely';
import { notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { SegmentsTable } from './contact-schema.ts';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';
import { factsNeeded, phoneNeeded, readsFacts, segmentCondition, segmentDriver } from './segment-sql.ts';
import type { StoreCapabilities } from './store-capabilities.ts';

/** A saved segment. */
export interface SegmentRecord {
  id: string;
  name: string;
  filter: SegmentFilter;
  createdAt: string;
  updatedAt: string;
}

/** One member as a sample shows it. */
export interface SegmentMember {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  lastSeenAt: string;
}

/** Where a page of members starts and how long it is. */
export interface MembersPage {
  /** Members after this contact id (ids ascend); none: from the first. */
  afterContactId?: string;
  limit: number;
  /** The moment `within` counts back from (ms); defaults to now. */
  now?: number;
}

const toRecord = (r: Selectable<SegmentsTable>): SegmentRecord => ({
  id: r.id,
  name: r.name,
  filter: JSON.parse(r.filter),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

/**
 * Saved filters over contacts, and who matches one. Counts and members are computed by the
 * database (see segment-sql.ts), never by loading contacts: a broadcast pages through members by
 * contact id, so a page is stable while contacts are added.
 */
export class SegmentsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
  ) {}

  async create(accountId: string, input: SegmentInput, now = Date.now()): Promise<SegmentRecord> {
    const row = {
      id: newId('seg'),
      account_id: accountId,
      name: input.name,
      filter: JSON.stringify(input.filter),
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('segments').values(row).execute();
    return toRecord(row);
  }

  async list(accountId: string): Promise<SegmentRecord[]> {
    const rows = await this.db
      .selectFrom('segments')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async get(accountId: string, id: string): Promise<SegmentRecord> {
    const row = await this.db
      .selectFrom('segments')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('segment');
    return toRecord(row);
  }

  async replace(
    accountId: string,
    id: string,
    input: SegmentInput,
    now = Date.now(),
  ): Promise<SegmentRecord> {
    const res = await this.db
      .updateTable('segments')
      .set({ name: input.name, filter: JSON.stringify(input.filter), updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw notFound('segment');
    return this.get(accountId, id);
  }

  async delete(accountId: string, id: string): Promise<void> {
    const res = await this.db
      .deleteFrom('segments')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound('segment');
  }

  /** How many of the account's contacts match (merged-away contacts count with the one they joined). */
  async count(accountId: string, filter: SegmentFilter, now = Date.now()): Promise<number> {
    const rows = await this.run<{ n: number | string }>(
      sql`select count(*) as n ${this.matching(accountId, filter, now, undefined, true)}`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** The ids of matching contacts in ascending order, one page at a time. */
  async members(accountId: string, filter: SegmentFilter, page: MembersPage): Promise<string[]> {
    const rows = await this.run<{ id: string }>(sql`select c.id ${this.page(accountId, filter, page)}`);
    return rows.map((r) => r.id);
  }

  /** A page of matching contacts with what a person recognises them by. */
  async sample(accountId: string, filter: SegmentFilter, page: MembersPage): Promise<SegmentMember[]> {
    const rows = await this.run<{
      id: string;
      name: string | null;
      email: string | null;
      phone: string | null;
      last_seen_at: number;
    }>(sql`select c.id, c.name, c.email, c.phone, c.last_seen_at ${this.page(accountId, filter, page)}`);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      phone: r.phone,
      lastSeenAt: iso(r.last_seen_at)!,
    }));
  }

  private page(accountId: string, filter: SegmentFilter, page: MembersPage): RawBuilder<unknown> {
    const from = this.matching(accountId, filter, page.now ?? Date.now(), page.afterContactId);
    return sql`${from} order by c.id limit ${page.limit}`;
  }

  /** Runs a segment query; on PostgreSQL with room to hash its sets of contact ids. */
  private async run<R>(query: RawBuilder<unknown>): Promise<R[]> {
    const workMem = this.caps.workMem;
    if (!workMem) return (await (query as RawBuilder<R>).execute(this.db)).rows;
    return this.db.transaction().execute(async (trx) => {
      // JIT compiling a count costs more than the count saves (200 ms and more on a busy machine).
      await sql`select set_config('work_mem', ${workMem}, true), set_config('jit', 'off', true)`.execute(trx);
      return (await (query as RawBuilder<R>).execute(trx)).rows;
    });
  }

  /**
   * The contacts of the account that pass the filter. A count reads every contact of the account:
   * on SQLite, whose planner has no statistics, `+` keeps it from reaching each row through an
   * index (a random read per contact, several times slower than reading the table in order). A
   * page walks the id index and stops at `limit`.
   */
  private matching(
    accountId: string,
    filter: SegmentFilter,
    now: number,
    after?: string,
    scan = false,
  ): RawBuilder<unknown> {
    const ctx = { accountId, now, json: this.caps.json };
    // A count reads only the contacts an index says may match, when a part of the filter narrows
    // so, and tests on them what the narrowing did not already decide.
    const pg = this.caps.json === 'jsonb';
    let driver = scan ? segmentDriver(filter, ctx) : undefined;
    // On PostgreSQL the facts a filter needs are joined (below), which narrows as much.
    if (pg && driver?.by === 'facts' && factsNeeded(filter, ctx)) driver = undefined;
    const rest = driver?.rest ?? filter;
    const needed = factsNeeded(rest, ctx);
    const test: RawBuilder<SqlBool> = segmentCondition(rest, ctx);
    const from = after === undefined ? sql`` : sql` and c.id > ${after}`;
    const account = scan && this.caps.json === 'json1' ? sql`+c.account_id` : sql`c.account_id`;
    // A count joins only the facts that pass what the filter needs of them (an inner join): both
    // planners may then start from those facts (over 1 M contacts on SQLite, "spent 100 and not
    // since" in half the time). A page on SQLite keeps walking the contacts' ids.
    const facts = !readsFacts(rest)
      ? sql``
      : needed && (pg || scan)
        ? sql` join contact_facts f on f.contact_id = c.id and ${needed}`
        : sql` left join contact_facts f on f.contact_id = c.id`;
    const narrow = driver ? sql` and ${driver.set}` : sql``;
    const phone = phoneNeeded(rest);
    const reach = phone ? sql` and ${phone}` : sql``;
    return sql`from contacts c${facts} where ${account} = ${accountId} and c.merged_into is null${from}${narrow}${reach} and ${test}`;
  }
}
