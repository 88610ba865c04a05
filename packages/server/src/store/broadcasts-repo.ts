import type { BroadcastContent, BroadcastFunnel, BroadcastRecipient } from '@beckon/protocol/broadcasts-api';
import type { Conversation } from '@beckon/protocol/chat-api';
import { type Kysely, type Selectable, sql } from 'kysely';
import { conflict, notFound } from '../errors.ts';
import { newTimeId } from '../ids.ts';
import type {
  BroadcastJobsTable,
  BroadcastLinksTable,
  BroadcastRecipientsTable,
  BroadcastStatus,
  BroadcastsTable,
} from './broadcast-schema.ts';
import type { Database } from './schema.ts';

/** A broadcast as the API and the sender read it. */
export interface BroadcastRecord {
  id: string;
  accountId: string;
  name: string;
  segmentId: string;
  filter: unknown;
  channels: string[];
  content: BroadcastContent;
  skillId: string | null;
  holdoutPercent: number;
  /** The send time's wall clock is used in each contact's zone. */
  localTime: boolean;
  attributionWindowDays: number;
  status: BroadcastStatus;
  scheduledAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  createdAt: number;
}

export interface NewBroadcast {
  name: string;
  segmentId: string;
  filter: unknown;
  channels: string[];
  content: BroadcastContent;
  skillId: string | null;
  holdoutPercent: number;
  localTime: boolean;
  attributionWindowDays: number;
  status: 'draft' | 'scheduled';
  scheduledAt: number;
  /** When the sender starts (before `scheduledAt` for a local-time send: the first zone's time). */
  startAt: number;
}

export type BroadcastJobRow = Selectable<BroadcastJobsTable>;
export type NewLink = Selectable<BroadcastLinksTable>;

/** One side of the holdout, counted in SQL: its contacts, those who converted, their orders and money. */
export interface ArmCounts {
  contacts: number;
  converted: number;
  conversions: number;
  revenue: number;
  /** Each contact's revenue in the window, squared and added up: with `revenue`, its variance. */
  revenueSquares: number;
}

export type NewRecipient = Omit<BroadcastRecipientsTable, 'conversation_id' | 'outbox_id' | 'clicked_at'>;

/** A contact of a page as the sender decided: its row, and for a queued one its message's time and ids. */
export interface PlannedRecipient {
  row: NewRecipient;
  send?: {
    /** Not before this; the outbox row is due at the first sending time booked from here. */
    at: number;
    /** The ids its conversation and outbox row get: the recipient row names them from the start. */
    conversationId: string;
    outboxId: string;
  };
}

/** A queued recipient of a page with the sending time booked for it. */
export interface BookedRecipient {
  plan: PlannedRecipient;
  at: number;
  perMinute: number;
}

/** How many rows one multi-row write takes: well under either database's limit of bound values. */
const CHUNK = 200;

const toRecord = (r: Selectable<BroadcastsTable>): BroadcastRecord => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  segmentId: r.segment_id,
  filter: JSON.parse(r.filter),
  channels: JSON.parse(r.channels) as string[],
  content: JSON.parse(r.content) as BroadcastContent,
  skillId: r.skill_id,
  holdoutPercent: Number(r.holdout_percent),
  localTime: Number(r.local_time) === 1,
  attributionWindowDays: Number(r.attribution_window_days),
  status: r.status,
  scheduledAt: Number(r.scheduled_at),
  startedAt: r.started_at === null ? null : Number(r.started_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  createdAt: Number(r.created_at),
});

/** How many merges one after another a recipient's conversions are followed through. */
const MERGE_DEPTH = 8;

/** Thrown inside a transaction to roll it back: another claim than the one writing holds the broadcast's job. */
const CLAIMED = new Error('the broadcast job was claimed');

/** The columns a caller writes, on creation and on a change. */
const columnsOf = (input: NewBroadcast) => ({
  name: input.name,
  segment_id: input.segmentId,
  filter: JSON.stringify(input.filter),
  channels: JSON.stringify(input.channels),
  content: JSON.stringify(input.content),
  skill_id: input.skillId,
  holdout_percent: input.holdoutPercent,
  local_time: input.localTime ? 1 : 0,
  attribution_window_days: input.attributionWindowDays,
  status: input.status,
  scheduled_at: input.scheduledAt,
});

/** The funnel's steps of a queued message, in all and per channel. */
const STEPS = [
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'inDoubt',
  'withdrawn',
  'clicked',
  'replied',
] as const;

/**
 * Why a message of a cancelled broadcast was not sent: it was still waiting for its time. Its
 * outbox row is failed with this reason; the funnel and the recipients call it withdrawn, not failed.
 */
export const BROADCAST_CANCELLED = 'the broadcast was cancelled';

/** The state a recipient shows: its own until it was queued, then its outbox row's. */
const stateOf = (state: string, out: string | null, error: string | null): string =>
  state !== 'queued' || out === null
    ? state
    : out === 'sending'
      ? 'queued'
      : out === 'failed' && error === BROADCAST_CANCELLED
        ? 'withdrawn'
        : out;

/**
 * Broadcasts, their sender's leased job row and their recipients. A recipient row is keyed by
 * (broadcast, contact) and written in the transaction that queues its message, so a contact is
 * queued at most once whatever node sends and however often a send is resumed.
 */
export class BroadcastsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /**
     * Where the funnel and the lift read: on a SQLite file a reader thread (sqlite-readers.ts). Over
     * 100,000 recipients they took more than half a second each, on the socket thread, every time an
     * admin's progress view asked: every chat of the node waited.
     */
    private readonly reports: Kysely<Database> = db,
  ) {}

  /** Saves a broadcast; a scheduled one gets its sender's job, due at its time. */
  async create(accountId: string, input: NewBroadcast, now = Date.now()): Promise<BroadcastRecord> {
    const row: Selectable<BroadcastsTable> = {
      id: newTimeId('bc', now),
      account_id: accountId,
      ...columnsOf(input),
      started_at: null,
      finished_at: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('broadcasts').values(row).execute();
      if (input.status === 'scheduled') await this.queueJob(trx, row.id, row.account_id, input.startAt, now);
    });
    return toRecord(row);
  }

  /**
   * Saves a change to a broadcast that was `expected` (draft or scheduled) and has not started:
   * a scheduled one's job moves to its new time, a draft's is dropped, a newly scheduled one gets
   * one. Undefined when the broadcast is no longer as expected, or its sender has claimed it
   * (nothing is changed then).
   */
  async update(
    accountId: string,
    id: string,
    expected: 'draft' | 'scheduled',
    input: NewBroadcast,
    now = Date.now(),
  ): Promise<BroadcastRecord | undefined> {
    const changed = await this.db
      .transaction()
      .execute(async (trx) => {
        const r = await trx
          .updateTable('broadcasts')
          .set({ ...columnsOf(input), updated_at: now })
          .where('account_id', '=', accountId)
          .where('id', '=', id)
          .where('status', '=', expected)
          .where('started_at', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
        if (expected === 'draft') {
          if (input.status === 'scheduled') await this.queueJob(trx, id, accountId, input.startAt, now);
          return true;
        }
        // Only a job no node has claimed is moved or dropped; a claimed one is starting its send.
        const job =
          input.status === 'scheduled'
            ? await trx
                .updateTable('broadcast_jobs')
                .set({ next_attempt_at: input.startAt, updated_at: now })
                .where('id', '=', id)
                .where('status', '=', 'queued')
                .executeTakeFirst()
            : await trx
                .deleteFrom('broadcast_jobs')
                .where('id', '=', id)
                .where('status', '=', 'queued')
                .executeTakeFirst();
        const n = 'numUpdatedRows' in job ? job.numUpdatedRows : job.numDeletedRows;
        if (Number(n) > 0) return true;
        throw CLAIMED;
      })
      .catch((e: unknown) => {
        if (e === CLAIMED) return false;
        throw e;
      });
    return changed ? this.get(accountId, id) : undefined;
  }

  private async queueJob(
    db: Kysely<Database>,
    id: string,
    accountId: string,
    startAt: number,
    now: number,
  ): Promise<void> {
    await db
      .insertInto('broadcast_jobs')
      .values({
        id,
        account_id: accountId,
        status: 'queued',
        attempts: 0,
        next_attempt_at: startAt,
        lease_until: null,
        claim_token: null,
        cursor: null,
        updated_at: now,
      })
      .execute();
  }

  async list(accountId: string, limit = 100): Promise<BroadcastRecord[]> {
    const rows = await this.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async find(accountId: string, id: string): Promise<BroadcastRecord | undefined> {
    const row = await this.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async get(accountId: string, id: string): Promise<BroadcastRecord> {
    const b = await this.find(accountId, id);
    if (!b) throw notFound('broadcast');
    return b;
  }

  /**
   * Stops a broadcast: its sender queues nobody more, and its messages still waiting for their
   * time are withdrawn (failed in the outbox with `BROADCAST_CANCELLED`). Messages on their way go out. A
   * sent broadcast with nothing left waiting is a 409.
   */
  async cancel(accountId: string, id: string, now = Date.now()): Promise<BroadcastRecord> {
    const b = await this.get(accountId, id);
    if (b.status === 'cancelled') throw conflict('the broadcast was cancelled already');
    const withdrawn = await this.db.transaction().execute(async (trx) => {
      // Messages still waiting for their time (a zone, quiet hours, the throughput) are withdrawn.
      const w = await trx
        .updateTable('outbox')
        .set({ status: 'failed', last_error: BROADCAST_CANCELLED, updated_at: now })
        .where('status', '=', 'queued')
        .where('attempts', '=', 0)
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('broadcast_recipients')
            .select('outbox_id')
            .where('broadcast_id', '=', id)
            .where('outbox_id', 'is not', null)
            .$narrowType<{ outbox_id: string }>(),
        )
        .executeTakeFirst();
      const n = Number(w.numUpdatedRows);
      // A sent broadcast can still be cancelled while some of its messages wait.
      if (b.status === 'sent' && n === 0) return 0;
      await trx
        .updateTable('broadcasts')
        .set({ status: 'cancelled', finished_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', 'in', ['draft', 'scheduled', 'sending', 'sent'])
        .execute();
      // A job claimed right now sees the status at its next page and stops there.
      await trx
        .updateTable('broadcast_jobs')
        .set({ status: 'done', updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .execute();
      return n;
    });
    if (b.status === 'sent' && withdrawn === 0) throw conflict('the broadcast was sent already');
    return this.get(accountId, id);
  }

  /** The send begins: the segment's filter as it is now is the one it pages through. */
  async start(b: BroadcastRecord, filter: unknown, now: number): Promise<BroadcastRecord> {
    await this.db
      .updateTable('broadcasts')
      .set({ status: 'sending', filter: JSON.stringify(filter), started_at: now, updated_at: now })
      .where('id', '=', b.id)
      .where('status', '=', 'scheduled')
      .where('started_at', 'is', null)
      .execute();
    return this.get(b.accountId, b.id);
  }

  /** The contacts of `ids` the broadcast has a row for already (a resumed page skips them). */
  async recorded(broadcastId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('broadcast_recipients')
      .select('contact_id')
      .where('broadcast_id', '=', broadcastId)
      .where('contact_id', 'in', ids)
      .execute();
    return new Set(rows.map((r) => r.contact_id));
  }

  /**
   * Records a page of recipients in one transaction, in a few multi-row writes. `claim` first
   * saves the page's cursor and renews the lease while this node still holds the job; when it no
   * longer does, nothing is written and undefined returned. Each queued recipient that wins its
   * row (none had it yet) and passes the frequency cap (`admit`) is booked a sending time (`book`)
   * at or after the time it may leave, and `queue` writes the messages. Returns the conversations
   * started.
   */
  async recordPage(
    plans: readonly PlannedRecipient[],
    book: (
      trx: Kysely<Database>,
      accountId: string,
      channel: string,
      from: number,
      n: number,
    ) => Promise<{ times: number[]; perMinute: number }>,
    /** Those of the queued the frequency cap lets through, checked in the same transaction. */
    admit:
      | ((trx: Kysely<Database>, queued: PlannedRecipient[]) => Promise<Set<PlannedRecipient>>)
      | undefined,
    queue: (trx: Kysely<Database>, booked: BookedRecipient[]) => Promise<Conversation[]>,
    claim?: (trx: Kysely<Database>) => Promise<boolean>,
  ): Promise<Conversation[] | undefined> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        if (claim && !(await claim(trx))) throw CLAIMED;
        const won = new Set<string>();
        for (let i = 0; i < plans.length; i += CHUNK) {
          const rows = plans.slice(i, i + CHUNK).map((p) => ({
            ...p.row,
            conversation_id: p.send?.conversationId ?? null,
            outbox_id: p.send?.outboxId ?? null,
          }));
          const inserted = await trx
            .insertInto('broadcast_recipients')
            .values(rows)
            .onConflict((oc) => oc.columns(['broadcast_id', 'contact_id']).doNothing())
            .returning('contact_id')
            .execute();
          for (const r of inserted) won.add(r.contact_id);
        }
        let queued = plans.filter((p) => p.send && won.has(p.row.contact_id));
        if (admit && queued.length > 0) {
          const admitted = await admit(trx, queued);
          const capped = queued.filter((p) => !admitted.has(p)).map((p) => p.row.contact_id);
          for (let i = 0; i < capped.length; i += CHUNK)
            await trx
              .updateTable('broadcast_recipients')
              .set({ state: 'skipped', reason: 'frequency cap', conversation_id: null, outbox_id: null })
              .where('broadcast_id', '=', queued[0]!.row.broadcast_id)
              .where('contact_id', 'in', capped.slice(i, i + CHUNK))
              .execute();
          queued = queued.filter((p) => admitted.has(p));
        }
        // One booking per channel and earliest time: a page's contacts in one zone share it.
        const groups = new Map<string, PlannedRecipient[]>();
        for (const p of queued) {
          const key = `${p.row.channel}\u0000${p.send!.at}`;
          const group = groups.get(key);
          if (group) group.push(p);
          else groups.set(key, [p]);
        }
        const booked: BookedRecipient[] = [];
        for (const group of groups.values()) {
          const first = group[0]!;
          const { times, perMinute } = await book(
            trx,
            first.row.account_id,
            first.row.channel!,
            first.send!.at,
            group.length,
          );
          for (const [i, plan] of group.entries()) booked.push({ plan, at: times[i]!, perMinute });
        }
        return queue(trx, booked);
      })
      .catch((e: unknown) => {
        if (e === CLAIMED) return undefined;
        throw e;
      });
  }

  /** The time zone of each contact's latest visit to a site, where the visit's zone is known. */
  async visitedZones(accountId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('contact_visitors as cv')
      .innerJoin('visitor_sessions as vs', (j) =>
        j.onRef('vs.site_id', '=', 'cv.site_id').onRef('vs.visitor_id', '=', 'cv.visitor_id'),
      )
      .select(['cv.contact_id', 'vs.time_zone', 'vs.last_event_at'])
      .where('cv.account_id', '=', accountId)
      .where('cv.contact_id', 'in', ids)
      .where('vs.time_zone', 'is not', null)
      .orderBy('vs.last_event_at')
      .execute();
    const zones = new Map<string, string>();
    for (const r of rows) zones.set(r.contact_id, r.time_zone!);
    return zones;
  }

  /**
   * A page done: its last contact id is saved and the lease renewed, only while this claim still
   * holds the job; false when another node has taken it (this one stops).
   */
  async progress(
    job: BroadcastJobRow,
    cursor: string,
    now: number,
    leaseMs: number,
    db: Kysely<Database> = this.db,
  ): Promise<boolean> {
    const r = await db
      .updateTable('broadcast_jobs')
      .set({ cursor, lease_until: now + leaseMs, next_attempt_at: now + leaseMs, updated_at: now })
      .where('id', '=', job.id)
      .where('claim_token', '=', job.claim_token)
      .where('status', '=', 'sending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Hands the job back (this node stops): any node takes it on at once, from its cursor. */
  async release(job: BroadcastJobRow, now: number): Promise<void> {
    await this.db
      .updateTable('broadcast_jobs')
      .set({ status: 'queued', next_attempt_at: now, lease_until: null, claim_token: null, updated_at: now })
      .where('id', '=', job.id)
      .where('claim_token', '=', job.claim_token)
      .where('status', '=', 'sending')
      .execute();
  }

  /** The segment is done (or the broadcast was stopped): the job ends, a sending broadcast is sent. */
  async finish(job: BroadcastJobRow, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('broadcast_jobs')
        .set({ status: 'done', lease_until: null, claim_token: null, updated_at: now })
        .where('id', '=', job.id)
        .where('claim_token', '=', job.claim_token)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return;
      await trx
        .updateTable('broadcasts')
        .set({ status: 'sent', finished_at: now, updated_at: now })
        .where('id', '=', job.id)
        .where('status', '=', 'sending')
        .execute();
    });
  }

  /**
   * The funnel: recipients by arm and state, a queued message's state read from its outbox row,
   * whether the recipient clicked a tracked link and whether they answered in its conversation.
   */
  async funnel(broadcastId: string): Promise<BroadcastFunnel> {
    const perRecipient = this.reports
      .selectFrom('broadcast_recipients as r')
      .leftJoin('outbox as o', 'o.id', 'r.outbox_id')
      .select((eb) => [
        'r.state',
        'r.channel',
        'r.reason',
        'o.status as out',
        // Only a withdrawn message's error is kept: the groups stay one per state.
        eb
          .case()
          .when(eb.and([eb('o.status', '=', 'failed'), eb('o.last_error', '=', BROADCAST_CANCELLED)]))
          .then(BROADCAST_CANCELLED)
          .else(null)
          .end()
          .as('withdrawn'),
        eb.case().when('r.clicked_at', 'is', null).then(0).else(1).end().as('clicked'),
        eb
          .case()
          .when(
            eb.exists(
              eb
                .selectFrom('messages as m')
                .select('m.seq')
                .whereRef('m.conversation_id', '=', 'r.conversation_id')
                .where('m.sender_kind', '=', 'visitor'),
            ),
          )
          .then(1)
          .else(0)
          .end()
          .as('replied'),
      ])
      .where('r.broadcast_id', '=', broadcastId);
    const rows = await this.reports
      .selectFrom(perRecipient.as('x'))
      .select((eb) => [
        'x.state',
        'x.channel',
        'x.reason',
        'x.out',
        'x.withdrawn',
        'x.clicked',
        'x.replied',
        eb.fn.countAll().as('n'),
      ])
      .groupBy(['x.state', 'x.channel', 'x.reason', 'x.out', 'x.withdrawn', 'x.clicked', 'x.replied'])
      .execute();
    const zeros = () =>
      Object.fromEntries(STEPS.map((k) => [k, 0])) as Record<(typeof STEPS)[number], number>;
    const f: BroadcastFunnel = {
      targeted: 0,
      heldOut: 0,
      skipped: 0,
      ...zeros(),
      skippedBy: {},
      byChannel: {},
    };
    for (const row of rows) {
      const n = Number(row.n);
      f.targeted += n;
      if (row.state === 'held_out') f.heldOut += n;
      else if (row.state === 'skipped') {
        f.skipped += n;
        const why = row.reason ?? 'unknown';
        f.skippedBy[why] = (f.skippedBy[why] ?? 0) + n;
      } else {
        const key = row.channel ?? 'unknown';
        const c = f.byChannel[key] ?? zeros();
        f.byChannel[key] = c;
        const s = stateOf(row.state, row.out, row.withdrawn);
        const steps = {
          queued: true,
          sent: s === 'sent' || s === 'delivered' || s === 'read',
          delivered: s === 'delivered' || s === 'read',
          read: s === 'read',
          failed: s === 'failed',
          inDoubt: s === 'in_doubt',
          withdrawn: s === 'withdrawn',
          clicked: Number(row.clicked) === 1,
          replied: Number(row.replied) === 1,
        };
        for (const k of STEPS)
          if (steps[k]) {
            f[k] += n;
            c[k] += n;
          }
      }
    }
    return f;
  }

  /** Saves the tracked links of a recipient's message, in the transaction that queues it. */
  async saveLinks(trx: Kysely<Database>, links: readonly NewLink[]): Promise<void> {
    if (links.length > 0)
      await trx
        .insertInto('broadcast_links')
        .values([...links])
        .execute();
  }

  /**
   * A tracked link was opened: its original URL, the link's and its recipient's first click
   * recorded (a later click changes nothing). Undefined for a token nobody was given.
   */
  async click(tokenHash: string, now: number, record = true): Promise<string | undefined> {
    const link = await this.db
      .selectFrom('broadcast_links')
      .select(['url', 'broadcast_id', 'contact_id', 'clicked_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!link) return undefined;
    if (record && link.clicked_at === null)
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('broadcast_links')
          .set({ clicked_at: now })
          .where('token_hash', '=', tokenHash)
          .where('clicked_at', 'is', null)
          .execute();
        await trx
          .updateTable('broadcast_recipients')
          .set({ clicked_at: now })
          .where('broadcast_id', '=', link.broadcast_id)
          .where('contact_id', '=', link.contact_id)
          .where('clicked_at', 'is', null)
          .execute();
      });
    return link.url;
  }

  /**
   * Each arm's contacts and what they did within `windowMs` of being reached: a conversion counts
   * when it is the contact's (a visitor tied to them, or an order a server named them in, or the
   * same of a contact merged with them) and falls in [reached, reached + window). Counted in the
   * database; each conversion (an order, once) once; with each contact's revenue squared and added
   * up for the revenue interval.
   */
  async armCounts(
    accountId: string,
    broadcastId: string,
    windowMs: number,
  ): Promise<Record<'send' | 'holdout', ArmCounts>> {
    const zero = (): ArmCounts => ({
      contacts: 0,
      converted: 0,
      conversions: 0,
      revenue: 0,
      revenueSquares: 0,
    });
    const out = { send: zero(), holdout: zero() };
    const sizes = await this.reports
      .selectFrom('broadcast_recipients')
      .select((eb) => ['arm', eb.fn.countAll().as('n')])
      .where('broadcast_id', '=', broadcastId)
      .groupBy('arm')
      .execute();
    for (const r of sizes) out[r.arm].contacts = Number(r.n);
    // A site, a visitor and a contact are one account's: an account test here would only let SQLite
    // read the account's conversions by time for each recipient instead of theirs by visitor or contact.
    const inWindow = sql`c.ts >= r.created_at and c.ts < r.created_at + ${windowMs}`;
    // A recipient is a person: every contact merged with theirs, whichever was kept, either way
    // round and however long the chain (`up` climbs to the contact that kept them, `family` comes
    // down to all merged into it). Their visitors and the orders that named them count.
    // `cross join` keeps SQLite to the order written: from each recipient through indexes, never
    // from all of the account's contacts or conversions to the recipients (PostgreSQL plans freely).
    const rows = await sql<{
      arm: 'send' | 'holdout';
      converted: unknown;
      conversions: unknown;
      revenue: unknown;
      squares: unknown;
    }>`
      with recursive up (contact_id, cur, hops) as (
        select r.contact_id, r.contact_id, 0 from broadcast_recipients r where r.broadcast_id = ${broadcastId}
        union all
        select up.contact_id, c.merged_into, up.hops + 1
        from up join contacts c on c.id = up.cur
        where c.merged_into is not null and up.hops < ${MERGE_DEPTH}
      ),
      family (contact_id, member, hops) as (
        select up.contact_id, up.cur, 0 from up
        where not exists (select 1 from contacts c where c.id = up.cur and c.merged_into is not null)
        union all
        select f.contact_id, c.id, f.hops + 1
        from family f cross join contacts c
        where c.account_id = ${accountId} and c.merged_into = f.member and f.hops < ${MERGE_DEPTH}
      ),
      matched as (
        select r.arm, r.contact_id, c.id as conversion_id, c.revenue
        from family f
        cross join broadcast_recipients r
        cross join contact_visitors cv
        cross join conversions c
        where r.broadcast_id = ${broadcastId} and r.contact_id = f.contact_id
          and cv.contact_id = f.member
          and c.site_id = cv.site_id and c.visitor_id = cv.visitor_id and ${inWindow}
        union
        select r.arm, r.contact_id, c.id as conversion_id, c.revenue
        from family f
        cross join broadcast_recipients r
        cross join conversions c
        where r.broadcast_id = ${broadcastId} and r.contact_id = f.contact_id
          and c.contact_id = f.member and ${inWindow}
      ),
      orders as (
        select arm, conversion_id, revenue, min(contact_id) as contact_id
        from matched group by arm, conversion_id, revenue
      ),
      per_contact as (select arm, contact_id, sum(revenue) as v from orders group by arm, contact_id)
      select p.arm, p.converted, o.conversions, o.revenue, q.squares
      from (select arm, count(distinct contact_id) as converted from matched group by arm) p
      join (select arm, count(*) as conversions, coalesce(sum(revenue), 0) as revenue from orders group by arm) o
        on o.arm = p.arm
      join (select arm, coalesce(sum(v * v), 0) as squares from per_contact group by arm) q
        on q.arm = p.arm`.execute(this.reports);
    for (const r of rows.rows) {
      out[r.arm].converted = Number(r.converted);
      out[r.arm].conversions = Number(r.conversions);
      out[r.arm].revenue = Number(r.revenue);
      out[r.arm].revenueSquares = Number(r.squares);
    }
    return out;
  }

  /** A page of recipients in contact id order, each with its message's state. */
  async recipients(
    broadcastId: string,
    page: { after?: string; limit: number },
  ): Promise<BroadcastRecipient[]> {
    let q = this.db
      .selectFrom('broadcast_recipients as r')
      .leftJoin('outbox as o', 'o.id', 'r.outbox_id')
      .select([
        'r.contact_id',
        'r.arm',
        'r.channel',
        'r.state',
        'r.reason',
        'r.conversation_id',
        'r.created_at',
        'r.clicked_at',
        'o.status as out',
        'o.last_error',
      ])
      .where('r.broadcast_id', '=', broadcastId)
      .orderBy('r.contact_id')
      .limit(page.limit);
    if (page.after) q = q.where('r.contact_id', '>', page.after);
    const rows = await q.execute();
    return rows.map((r) => ({
      contactId: r.contact_id,
      arm: r.arm,
      channel: r.channel,
      state: stateOf(r.state, r.out, r.last_error),
      // A failed message's reason is the provider's (or the outbox's), e.g. rate limited after the tries.
      reason: r.reason ?? (r.out === 'failed' || r.out === 'in_doubt' ? r.last_error : null),
      conversationId: r.conversation_id,
      at: new Date(Number(r.created_at)).toISOString(),
      clickedAt: r.clicked_at === null ? null : new Date(Number(r.clicked_at)).toISOString(),
    }));
  }
}
