import { randomBytes } from 'node:crypto';
import type {
  SlackOptions,
  WebhookCreateInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEvent,
  WebhookEventType,
  WebhookUpdateInput,
} from '@beckon/protocol/webhooks-api';
import type { Kysely, Selectable } from 'kysely';
import { AppError, notFound } from '../errors.ts';
import { newId, newTimeId } from '../ids.ts';
import { slackBodyFor } from '../webhooks/slack-message.ts';
import type { AutomationEventsRepo } from './automation-events-repo.ts';
import { claimDue, settleClaims } from './lease-claim.ts';
import { iso, jsonArray } from './rows.ts';
import type { Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';
import type { StoreCapabilities } from './store-capabilities.ts';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './webhook-schema.ts';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** What the dispatcher needs of an endpoint to send one delivery. */
export interface DeliveryTarget {
  id: string;
  kind: 'webhook' | 'slack';
  url: string;
  enabled: boolean;
  secrets: string[];
  failingSince: number | null;
}

/** A claimed delivery and where it goes (undefined once its endpoint is gone). */
export interface ClaimedDelivery {
  row: DeliveryRow;
  target: DeliveryTarget | undefined;
}

/** What one attempt got back. */
export interface AttemptResult {
  status: number | null;
  excerpt: string | null;
  durationMs: number;
  error: string | null;
}

/** An endpoint as the subscription cache holds it. */
interface Subscriber {
  id: string;
  kind: 'webhook' | 'slack';
  events: ReadonlySet<string>;
  slack: SlackOptions | null;
}

/** How long a node trusts its list of an account's endpoints; changes made on it apply at once. */
const SUBSCRIBERS_TTL_MS = 2000;
/** The longest response excerpt kept per delivery. */
export const EXCERPT_CHARS = 1024;

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

const slackOf = (r: EndpointRow): SlackOptions | null =>
  r.slack ? (JSON.parse(r.slack) as SlackOptions) : null;

export function toEndpoint(r: EndpointRow, now = Date.now()): WebhookEndpoint {
  const overlap = r.previous_secret_until !== null && Number(r.previous_secret_until) > now;
  return {
    id: r.id,
    kind: r.kind,
    url: r.url,
    description: r.description,
    events: jsonArray(r.events) as WebhookEventType[],
    slack: slackOf(r),
    enabled: Number(r.enabled) === 1,
    disabledReason: r.disabled_reason,
    disabledAt: r.disabled_at === null ? null : iso(Number(r.disabled_at))!,
    failureStreak: Number(r.failure_streak),
    previousSecretUntil: overlap ? iso(Number(r.previous_secret_until))! : null,
    createdAt: iso(Number(r.created_at))!,
    updatedAt: iso(Number(r.updated_at))!,
  };
}

export function toDelivery(r: DeliveryRow): WebhookDelivery {
  const settled = r.status === 'delivered' || r.status === 'failed';
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    webhookId: r.webhook_id,
    eventType: r.event_type as WebhookEventType,
    status: r.status,
    attempts: Number(r.attempts),
    request: r.payload,
    responseStatus: r.response_status === null ? null : Number(r.response_status),
    responseExcerpt: r.response_excerpt,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    lastError: r.last_error,
    nextAttemptAt: settled ? null : iso(Number(r.next_attempt_at))!,
    createdAt: iso(Number(r.created_at))!,
    deliveredAt: r.delivered_at === null ? null : iso(Number(r.delivered_at))!,
  };
}

/** Slack endpoints subscribe to what their options ask for; the body is Slack's. */
const slackEvents = (o: SlackOptions): WebhookEventType[] => (o.lowCsat ? ['csat.submitted'] : []);

/**
 * Webhook endpoints and their delivery queue. Events are queued by the repository that makes the
 * change, in its transaction (`queueIn`), one row per subscribed endpoint; the dispatcher claims
 * rows with a lease (`claim`) and settles them by that claim.
 */
export class WebhooksRepo {
  private readonly subscribers = new Map<string, { at: number; list: Subscriber[] }>();
  private readonly listeners = new Set<() => void>();
  /**
   * The automation rules' queue: the one other consumer of the domain events queued here, set
   * by the store. It takes the events some enabled rule listens to, in the same transaction.
   */
  automation: AutomationEventsRepo | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: StoreCapabilities,
    /** Signing secrets are sealed at rest. */
    private readonly secrets: SecretsRef,
  ) {}

  // ── Endpoints ─────────────────────────────────────────────────────────────

  async create(accountId: string, input: WebhookCreateInput, now = Date.now()) {
    const kind = input.kind ?? 'webhook';
    const slack =
      kind === 'slack' ? (input.slack ?? { waitingMinutes: 5, lowCsat: true, slaBreach: true }) : null;
    const events = kind === 'slack' ? slackEvents(slack as SlackOptions) : (input.events ?? []);
    if (kind === 'webhook' && events.length === 0)
      throw new AppError(400, 'invalid_webhook', '/events: subscribe to at least one event');
    const secret = newWebhookSecret();
    const row: EndpointRow = {
      id: newId('whep'),
      account_id: accountId,
      kind,
      url: input.url,
      description: input.description ?? null,
      events: JSON.stringify(events),
      slack: slack ? JSON.stringify(slack) : null,
      secret: this.secrets.box.seal(secret),
      previous_secret: null,
      previous_secret_until: null,
      enabled: 1,
      disabled_reason: null,
      disabled_at: null,
      failure_streak: 0,
      failing_since: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('webhook_endpoints').values(row).execute();
    this.changed(accountId);
    return { ...toEndpoint(row, now), secret };
  }

  async list(accountId: string): Promise<WebhookEndpoint[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => toEndpoint(r));
  }

  async row(accountId: string, id: string): Promise<EndpointRow> {
    const r = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r) throw notFound('webhook endpoint');
    return r;
  }

  async update(accountId: string, id: string, patch: WebhookUpdateInput, now = Date.now()) {
    const r = await this.row(accountId, id);
    const set: Partial<EndpointRow> = { updated_at: now };
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.events !== undefined && r.kind === 'webhook') set.events = JSON.stringify(patch.events);
    if (patch.slack !== undefined && r.kind === 'slack') {
      set.slack = JSON.stringify(patch.slack);
      set.events = JSON.stringify(slackEvents(patch.slack));
    }
    if (patch.enabled === true) {
      Object.assign(set, { enabled: 1, disabled_reason: null, disabled_at: null, failure_streak: 0 });
      set.failing_since = null;
    } else if (patch.enabled === false) {
      Object.assign(set, { enabled: 0, disabled_reason: 'manual', disabled_at: now });
    }
    const out = await this.db
      .updateTable('webhook_endpoints')
      .set(set)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    this.changed(accountId);
    return toEndpoint(out, now);
  }

  async remove(accountId: string, id: string): Promise<void> {
    const r = await this.db
      .deleteFrom('webhook_endpoints')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('webhook endpoint');
    this.changed(accountId);
  }

  /** A new secret; the old one keeps signing beside it for `overlapMs`, so receivers can switch. */
  async rotate(accountId: string, id: string, overlapMs: number, now = Date.now()) {
    const r = await this.row(accountId, id);
    const secret = newWebhookSecret();
    const out = await this.db
      .updateTable('webhook_endpoints')
      .set({
        secret: this.secrets.box.seal(secret),
        // Still sealed as stored: it is only opened to sign.
        previous_secret: overlapMs > 0 ? r.secret : null,
        previous_secret_until: overlapMs > 0 ? now + overlapMs : null,
        updated_at: now,
      })
      .where('id', '=', r.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toEndpoint(out, now), secret };
  }

  /** Endpoints stopped because they kept failing, for the console's notice. */
  async disabledByFailures(accountId: string) {
    return this.db
      .selectFrom('webhook_endpoints')
      .select(['id', 'url', 'disabled_at'])
      .where('account_id', '=', accountId)
      .where('enabled', '=', 0)
      .where('disabled_reason', '=', 'failing')
      .execute();
  }

  // ── Queueing ──────────────────────────────────────────────────────────────

  /** Calls `fn` after each commit that queued deliveries (the dispatcher wakes); returns the unsubscribe. */
  onQueued(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Tells the dispatchers that a commit queued `n` deliveries. */
  committed(n: number): void {
    if (n > 0) for (const fn of this.listeners) fn();
    this.automation?.committed(n);
  }

  private changed(accountId: string): void {
    this.subscribers.delete(accountId);
  }

  /** The account's enabled endpoints, from a cache a change on this node clears and others trust for 2 s. */
  private async subscribersOf(db: Kysely<Database>, accountId: string, now: number): Promise<Subscriber[]> {
    const hit = this.subscribers.get(accountId);
    if (hit && now - hit.at < SUBSCRIBERS_TTL_MS) return hit.list;
    const rows = await db
      .selectFrom('webhook_endpoints')
      .select(['id', 'kind', 'events', 'slack'])
      .where('account_id', '=', accountId)
      .where('enabled', '=', 1)
      .execute();
    const list = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      events: new Set(jsonArray(r.events)),
      slack: r.slack ? (JSON.parse(r.slack) as SlackOptions) : null,
    }));
    this.subscribers.set(accountId, { at: now, list });
    return list;
  }

  /**
   * True when some endpoint of the account takes `type` (so a caller may skip building the
   * payload). Inside a transaction pass it as `db`: SQLite has one connection.
   */
  async wants(
    accountId: string,
    type: WebhookEventType,
    now = Date.now(),
    db: Kysely<Database> = this.db,
  ): Promise<boolean> {
    if ((await this.subscribersOf(db, accountId, now)).some((s) => s.events.has(type))) return true;
    return this.automation ? this.automation.wants(db, accountId, type, now) : false;
  }

  /**
   * Queues deliveries of `events` to every endpoint of the account that subscribes to them, on
   * `db` (the transaction of the change that caused them). Returns how many rows it wrote; call
   * `committed(n)` after the commit. An account without endpoints costs a cache lookup. `dueAt`
   * holds the deliveries back until then (a resolved conversation's, for its summary).
   */
  async queueIn(
    db: Kysely<Database>,
    accountId: string,
    events: readonly WebhookEvent[],
    now = Date.now(),
    dueAt = now,
  ): Promise<number> {
    const automated = this.automation ? await this.automation.queueIn(db, accountId, events, now) : 0;
    const subs = await this.subscribersOf(db, accountId, now);
    if (subs.length === 0 || events.length === 0) return automated;
    const rows: DeliveryRow[] = [];
    for (const e of events) {
      const takers = subs.filter((s) => s.events.has(e.type));
      if (takers.length === 0) continue;
      const webhookId = newTimeId('msg', now);
      const json = takers.some((s) => s.kind === 'webhook') ? JSON.stringify(e) : '';
      for (const s of takers) {
        const body = s.kind === 'slack' ? slackBodyFor(e, s.slack!) : json;
        if (body !== null)
          rows.push({
            ...this.deliveryRow(accountId, s.id, webhookId, e.type, body, now),
            next_attempt_at: dueAt,
          });
      }
    }
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto('webhook_deliveries')
        .values(rows.slice(i, i + 200))
        .execute();
    return rows.length + automated;
  }

  /**
   * A resolved conversation's summary was written: its `conversation.resolved` deliveries still
   * held back carry it and are due at once. Returns how many it released.
   */
  async releaseResolved(
    accountId: string,
    conversationId: string,
    summary: WebhookEvent<'conversation.resolved'>['data']['summary'],
    now = Date.now(),
  ): Promise<number> {
    const held = await this.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'payload'])
      .where('account_id', '=', accountId)
      .where('event_type', '=', 'conversation.resolved')
      .where('status', '=', 'queued')
      .where('attempts', '=', 0)
      .where('next_attempt_at', '>', now)
      .execute();
    let n = 0;
    for (const row of held) {
      const event = JSON.parse(row.payload) as WebhookEvent<'conversation.resolved'>;
      if (event.data?.conversation?.id !== conversationId) continue;
      event.data.summary = summary;
      const r = await this.db
        .updateTable('webhook_deliveries')
        .set({ payload: JSON.stringify(event), next_attempt_at: now, updated_at: now })
        .where('id', '=', row.id)
        .where('status', '=', 'queued')
        .where('attempts', '=', 0)
        .executeTakeFirst();
      n += Number(r.numUpdatedRows);
    }
    this.committed(n);
    return n;
  }

  /** Queues events in a transaction of their own (a change that has none), and wakes the dispatchers. */
  async emit(accountId: string, events: readonly WebhookEvent[], now = Date.now()): Promise<number> {
    const subs = await this.subscribersOf(this.db, accountId, now);
    const wanted = async (e: WebhookEvent) =>
      subs.some((s) => s.events.has(e.type)) ||
      (this.automation !== undefined && (await this.automation.wants(this.db, accountId, e.type, now)));
    let any = false;
    for (const e of events) if (!any && (await wanted(e))) any = true;
    if (!any) return 0;
    const n = await this.db.transaction().execute((trx) => this.queueIn(trx, accountId, events, now));
    this.committed(n);
    return n;
  }

  /**
   * Queues one body for one endpoint under a webhook id of the caller's (a Slack notice about a
   * conversation); a second call with the same id queues nothing. True when it queued.
   */
  async queueOnce(
    accountId: string,
    endpointId: string,
    webhookId: string,
    type: string,
    body: string,
    now = Date.now(),
  ): Promise<boolean> {
    const r = await this.db
      .insertInto('webhook_deliveries')
      .values(this.deliveryRow(accountId, endpointId, webhookId, type, body, now))
      .onConflict((oc) => oc.columns(['endpoint_id', 'webhook_id']).doNothing())
      .executeTakeFirst();
    const queued = Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    if (queued) this.committed(1);
    return queued;
  }

  /** Enabled Slack endpoints of every account (the waiting-conversation notices' job). */
  async slackEndpoints(): Promise<{ id: string; accountId: string; slack: SlackOptions }[]> {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .select(['id', 'account_id', 'slack'])
      .where('kind', '=', 'slack')
      .where('enabled', '=', 1)
      .execute();
    return rows.map((r) => ({ id: r.id, accountId: r.account_id, slack: JSON.parse(r.slack ?? '{}') }));
  }

  private deliveryRow(
    accountId: string,
    endpointId: string,
    webhookId: string,
    type: string,
    payload: string,
    now: number,
  ): DeliveryRow {
    return {
      id: newTimeId('whd', now),
      account_id: accountId,
      endpoint_id: endpointId,
      webhook_id: webhookId,
      event_type: type,
      payload,
      status: 'queued',
      attempts: 0,
      next_attempt_at: now,
      lease_until: null,
      claim_token: null,
      response_status: null,
      response_excerpt: null,
      duration_ms: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
      updated_at: now,
    };
  }

  // ── Delivery ──────────────────────────────────────────────────────────────

  /** Claims due deliveries with a lease (see `claimDue`), each with where it goes. */
  async claim(now: number, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await claimDue(this.db, this.caps, 'webhook_deliveries', now, limit, leaseMs);
    if (rows.length === 0) return [];
    const ids = [...new Set(rows.map((r) => r.endpoint_id))];
    const endpoints = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', 'in', ids)
      .execute();
    const targets = new Map(
      endpoints.map((e): [string, DeliveryTarget] => {
        const overlap = e.previous_secret && Number(e.previous_secret_until ?? 0) > now;
        return [
          e.id,
          {
            id: e.id,
            kind: e.kind,
            url: e.url,
            enabled: Number(e.enabled) === 1,
            secrets: (overlap ? [e.secret, e.previous_secret!] : [e.secret]).map((v) =>
              this.secrets.box.open(v),
            ),
            failingSince: e.failing_since === null ? null : Number(e.failing_since),
          },
        ];
      }),
    );
    return rows.map((row) => ({ row, target: targets.get(row.endpoint_id) }));
  }

  /** The claim's attempt succeeded; false when the claim had lapsed. */
  delivered(row: DeliveryRow, r: AttemptResult, now: number): Promise<boolean> {
    return this.settle(row, {
      status: 'delivered',
      response_status: r.status,
      response_excerpt: r.excerpt,
      duration_ms: r.durationMs,
      last_error: null,
      delivered_at: now,
      updated_at: now,
    });
  }

  /** The claim's attempt failed: due again at `retryAt`, or failed for good when it is null. */
  failed(row: DeliveryRow, r: AttemptResult, retryAt: number | null, now: number): Promise<boolean> {
    return this.settle(row, {
      status: retryAt === null ? 'failed' : 'queued',
      next_attempt_at: retryAt ?? now,
      response_status: r.status,
      response_excerpt: r.excerpt,
      duration_ms: r.durationMs,
      last_error: r.error?.slice(0, 500) ?? null,
      updated_at: now,
    });
  }

  /** Settles waiting for the next group commit, with what each caller waits for. */
  private pending: {
    row: DeliveryRow;
    values: Partial<DeliveryRow>;
    done: (ok: boolean) => void;
    fail: (err: unknown) => void;
  }[] = [];

  /**
   * Settles are written together: the first waits a tick for others, and all that came meanwhile
   * share one transaction (one commit and one log sync instead of one per delivery).
   */
  private settle(row: DeliveryRow, values: Partial<DeliveryRow>): Promise<boolean> {
    return new Promise((done, fail) => {
      this.pending.push({ row, values, done, fail });
      if (this.pending.length === 1) setImmediate(() => void this.flushSettles());
    });
  }

  private async flushSettles(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const ok = await settleClaims(this.db, 'webhook_deliveries', batch);
      for (const [i, b] of batch.entries()) b.done(ok[i]!);
    } catch (err) {
      for (const b of batch) b.fail(err);
    }
  }

  /** An endpoint answered: its run of failures ends. */
  async recovered(endpointId: string, now: number): Promise<void> {
    await this.db
      .updateTable('webhook_endpoints')
      .set({ failing_since: null, failure_streak: 0, updated_at: now })
      .where('id', '=', endpointId)
      .execute();
  }

  /**
   * An endpoint failed an attempt: counted, and disabled once it has failed without a success
   * for `disableAfterMs`. Returns true when this call disabled it.
   */
  async failing(endpointId: string, now: number, disableAfterMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('webhook_endpoints')
      .set((eb) => ({
        failure_streak: eb('failure_streak', '+', 1),
        failing_since: eb.fn.coalesce('failing_since', eb.val(now)),
      }))
      .where('id', '=', endpointId)
      .returning(['account_id', 'failing_since', 'enabled'])
      .executeTakeFirst();
    if (!r || Number(r.enabled) !== 1 || now - Number(r.failing_since) < disableAfterMs) return false;
    const off = await this.db
      .updateTable('webhook_endpoints')
      .set({ enabled: 0, disabled_reason: 'failing', disabled_at: now, updated_at: now })
      .where('id', '=', endpointId)
      .where('enabled', '=', 1)
      .executeTakeFirst();
    this.changed(r.account_id);
    return Number(off.numUpdatedRows) > 0;
  }

  // ── Log and replay ────────────────────────────────────────────────────────

  /** An endpoint's deliveries, newest first, `limit` at a time before the id `before`. */
  async deliveries(
    accountId: string,
    endpointId: string,
    q: { status?: DeliveryRow['status']; before?: string; limit?: number },
  ): Promise<WebhookDelivery[]> {
    let sel = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('endpoint_id', '=', endpointId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit ?? 50);
    if (q.status) sel = sel.where('status', '=', q.status);
    if (q.before) sel = sel.where('id', '<', q.before);
    return (await sel.execute()).map(toDelivery);
  }

  /** One delivery sent again, with its webhook id (receivers that already have it can skip it). */
  async replay(
    accountId: string,
    endpointId: string,
    deliveryId: string,
    now = Date.now(),
  ): Promise<WebhookDelivery> {
    const r = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'queued', attempts: 0, next_attempt_at: now, last_error: null, updated_at: now })
      .where('account_id', '=', accountId)
      .where('endpoint_id', '=', endpointId)
      .where('id', '=', deliveryId)
      .where('status', 'in', ['delivered', 'failed'])
      .returningAll()
      .executeTakeFirst();
    if (!r) {
      const exists = await this.db
        .selectFrom('webhook_deliveries')
        .select('status')
        .where('account_id', '=', accountId)
        .where('endpoint_id', '=', endpointId)
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      if (!exists) throw notFound('delivery');
      throw new AppError(409, 'not_settled', `this delivery is ${exists.status} already`);
    }
    this.committed(1);
    return toDelivery(r);
  }

  /** Every settled delivery of an endpoint since `since` sent again, oldest first. */
  async replaySince(accountId: string, endpointId: string, since: number, now = Date.now()): Promise<number> {
    await this.row(accountId, endpointId);
    const r = await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: 'queued',
        attempts: 0,
        // Kept in the order they happened: the claim takes the oldest due first.
        next_attempt_at: eb.ref('created_at'),
        last_error: null,
        updated_at: now,
      }))
      .where('account_id', '=', accountId)
      .where('endpoint_id', '=', endpointId)
      .where('created_at', '>=', since)
      .where('status', 'in', ['delivered', 'failed'])
      .executeTakeFirst();
    const n = Number(r.numUpdatedRows);
    this.committed(n);
    return n;
  }
}
