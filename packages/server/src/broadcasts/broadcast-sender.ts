import { createHash } from 'node:crypto';
import type { SegmentFilter } from '@beckon/protocol';
import type { BroadcastChannel } from '@beckon/protocol/broadcasts-api';
import { isTimeZone } from '@beckon/protocol/campaign-validation';
import type { Conversation } from '@beckon/protocol/chat-api';
import type { Contact } from '@beckon/protocol/contacts-api';
import type { WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import type { Kysely } from 'kysely';
import { templateMessage } from '../channels/whatsapp/whatsapp-templates.ts';
import { newVisitorToken } from '../conversations/visitor-token.ts';
import { newId, newTimeId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { LeaseWorker } from '../ops/lease-worker.ts';
import { type BulkTurnOptions, bulkTurn, heldFor, turnSlicer } from '../ops/socket-turns.ts';
import type {
  BroadcastJobRow,
  BroadcastRecord,
  NewLink,
  NewRecipient,
  PlannedRecipient,
} from '../store/broadcasts-repo.ts';
import type { ChannelConnection } from '../store/channel-connections-repo.ts';
import type { NewConversation } from '../store/conversations-repo.ts';
import { claimDue } from '../store/lease-claim.ts';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { broadcastTemplate, render } from './broadcast-content.ts';
import { trackLinks } from './broadcast-links.ts';
import { afterQuietHours, sameLocalTime } from './send-clock.ts';
import { type Guardrails, guardrailsOf } from './sending-settings.ts';

/** With `BulkTurnOptions`: a page's steps yield to live work. */
export interface BroadcastSenderOptions extends BulkTurnOptions {
  /** How often due broadcasts are looked for (ms). */
  pollMs: number;
  /** How long a node holds a broadcast without a page done before another may take it (ms). */
  leaseMs: number;
  /** Contacts read from the segment at a time. */
  pageSize: number;
  /**
   * How far a broadcast's booked sending times may run ahead of its channels' pace before the
   * sender waits to record more (ms; 0: no limit). See `keepLead`.
   */
  leadMs: number;
}

export interface BroadcastSenderDeps {
  store: Store;
  log: Logger;
  /** The skill a reply goes to when neither the broadcast nor the connection names one. */
  chooseSkill?: (accountId: string) => Promise<string | null>;
  /** Tells every node a conversation was started with a contact (their reply joins it). */
  started?: (accountId: string, conversation: Conversation) => void;
  /** Wakes the outbox after a page queued messages. */
  queued?: () => void;
  /** Our public address: links of SMS and mails are rewritten to tracked ones on it (unset: left as they are). */
  publicUrl?: string;
}

/**
 * True when the contact is in the broadcast's holdout: a stable hash of (broadcast, contact), so
 * a resumed send, another node or a recount puts every contact on the same side.
 */
export function inHoldout(broadcastId: string, contactId: string, percent: number): boolean {
  if (percent <= 0) return false;
  const h = createHash('sha256').update(`${broadcastId}:${contactId}`).digest();
  return (h.readUInt32BE(0) / 2 ** 32) * 100 < percent;
}

/** What one page reads once for all its contacts, in a few queries rather than several per contact. */
interface PageContext {
  now: number;
  guardrails: Guardrails;
  /** The zone of each contact's latest visit, where one is known. */
  zones: Map<string, string>;
  /** Each contact of the page (as merged), with its own SMS and WhatsApp opt-outs. */
  contacts: Map<string, { contact: Contact; smsOptOut: boolean; whatsAppOptOut: boolean }>;
  /** The channels each contact (or one merged into it) opted in to. */
  consents: Map<string, Set<string>>;
  /** The contacts signed in to the broadcast's app, and those with a device for its push. */
  app: Set<string>;
  push: Set<string>;
  /** The account's skill for replies when neither the broadcast nor the connection names one. */
  skill: () => Promise<string | null>;
}

/** The share of the lease a page may take: its size follows how long the last one took. */
const PAGE_SHARE_OF_LEASE = 1 / 4;
/**
 * How long a page's transaction may hold the thread that serves sockets (ms): on a SQLite file its
 * statements run there, and chat messages wait for it. The page's size follows it too.
 */
const PAGE_HOLD_MS = 10;
/** Pages sized by their hold get no smaller than this: a busy machine slows the send, not to a crawl. */
const MIN_HELD_PAGE = 16;
/** The longest the page's plans run before they give the thread back (ms). */
const PLAN_SLICE_MS = 4;

/**
 * How far ahead of its channels a page booked: the latest of its messages' sending times past the
 * earliest each could have left (now, or later for quiet hours and local time). A send held at its
 * channels' throughput books further ahead with every page; one at the node's own speed, not at all.
 */
export function bookedAhead(booked: readonly { at: number; earliest: number }[], now: number): number {
  let ahead = 0;
  for (const x of booked) ahead = Math.max(ahead, x.at - Math.max(x.earliest, now));
  return ahead;
}

/**
 * The next page's size: smaller when this one took more than `target` ms, so a page never outlasts
 * the lease on a slow or busy node; larger again (up to `max`) while pages are quick.
 */
export function nextPageSize(size: number, tookMs: number, target: number, max: number): number {
  if (tookMs > target) return Math.max(1, Math.floor((size * target) / tookMs));
  if (tookMs < target / 2) return Math.min(max, size * 2);
  return size;
}

/** A contact's own zone: a `timeZone` attribute naming an IANA zone. */
function zoneOfContact(contact: Contact): string | undefined {
  const tz = contact.attributes.timeZone ?? contact.attributes.timezone;
  return typeof tz === 'string' && isTimeZone(tz) ? tz : undefined;
}

/** How a contact is reached, or why not. */
type Choice = { channel: BroadcastChannel; connection: ChannelConnection | null } | { skip: string };

/** A rendered message for one contact, or the variable it lacked. */
type Rendered =
  | { text: string; topic: string | null; payload: Record<string, unknown> | null }
  | { missing: string };

/** A queued contact's message: its conversation (with the invitation) and its tracked links. */
interface Queued {
  conversation: NewConversation & { invitation: NonNullable<NewConversation['invitation']> };
  links: NewLink[];
}

/**
 * Sends broadcasts. Each broadcast has one job row, claimed under a lease, so one node at a time
 * pages through its segment in contact id order. A page reads what it needs of its contacts in a
 * few queries, then is one transaction (one sync to disk): the job's cursor and lease, each
 * contact's recipient row (keyed by broadcast and contact) and, for those queued, the message's
 * conversation and outbox row, due at a sending time booked against the account's throughput
 * after quiet hours and the contact's local time: a contact is queued once or not at all. The
 * frequency cap is checked once per page. A page's size follows the time pages take, so one never
 * outlasts the lease. A node that dies loses the lease, and the next node starts after the last
 * saved page; a node that lost its lease writes nothing more.
 */
export class BroadcastSender {
  private readonly worker: LeaseWorker<BroadcastJobRow>;
  private stopping = false;
  /** Each broadcast's WhatsApp template, read once per page rather than once per contact. */
  private readonly templates = new Map<string, Promise<WhatsAppTemplate | undefined>>();
  /** Connections by id, read once per page (each read opens its sealed secrets). */
  private readonly connections = new Map<string, Promise<ChannelConnection | undefined>>();
  /** Wakes the sends waiting for their channels to catch up (stop). */
  private readonly waits = new Set<() => void>();

  constructor(
    private readonly d: BroadcastSenderDeps,
    private readonly opts: BroadcastSenderOptions,
  ) {
    this.worker = new LeaseWorker<BroadcastJobRow>(
      'broadcasts',
      (room) => claimDue(d.store.db, d.store.caps, 'broadcast_jobs', Date.now(), room, opts.leaseMs),
      (job) => this.run(job),
      d.log,
      { pollMs: opts.pollMs, concurrency: 2 },
    );
  }

  start(): void {
    this.stopping = false;
    this.worker.start();
  }

  /** Looks for due broadcasts now (one was just created). */
  wake(): void {
    this.worker.wake();
  }

  /** Stops after the page in hand; the broadcast is handed back for any node to go on with. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.waits) wake();
    await this.worker.stop();
  }

  /** Waits `ms`, or less when the sender stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waits.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waits.add(wake);
    });
  }

  /**
   * Waits while the pages recorded so far keep the channels busy for more than the lead: a send
   * held at its throughput records its recipients about as fast as they leave, not all at once.
   * Recording is most of a send's work (a conversation, a message and an outbox row for each): done
   * in one burst it took the node's socket thread for minutes, and the chats beside it waited
   * (bench/notes.md, W12). The lease is renewed meanwhile. Tells whether to go on, or why not:
   * the broadcast was cancelled, or the job is no longer this node's.
   */
  private async keepLead(
    job: BroadcastJobRow,
    b: BroadcastRecord,
    cursor: string,
    until: number,
  ): Promise<'go' | 'cancelled' | 'lost'> {
    const { store } = this.d;
    while (!this.stopping && Date.now() < until) {
      await this.pause(Math.min(until - Date.now(), this.opts.leaseMs / 4));
      if (this.stopping) break;
      const current = await store.broadcasts.find(b.accountId, b.id);
      if (!current || current.status === 'cancelled') return 'cancelled';
      if (!(await store.broadcasts.progress(job, cursor, Date.now(), this.opts.leaseMs))) return 'lost';
    }
    return 'go';
  }

  private async run(job: BroadcastJobRow): Promise<void> {
    const { store } = this.d;
    let b = await store.broadcasts.find(job.account_id, job.id);
    if (!b || b.status === 'cancelled' || b.status === 'draft' || b.status === 'sent')
      return store.broadcasts.finish(job, Date.now());
    if (b.startedAt === null) {
      // The segment as it is when the send starts; a deleted segment leaves the copy made at creation.
      const segment = await store.segments.get(b.accountId, b.segmentId).catch(() => undefined);
      b = await store.broadcasts.start(b, segment?.filter ?? b.filter, Date.now());
    }
    const frozenAt = b.startedAt ?? Date.now();
    let cursor = job.cursor;
    const max = this.opts.pageSize;
    const target = this.opts.leaseMs * PAGE_SHARE_OF_LEASE;
    let size = max;
    for (;;) {
      if (this.stopping) return store.broadcasts.release(job, Date.now());
      // Each page starts on a turn of its own, after the live work waiting for the thread.
      await bulkTurn(this.opts);
      const started = Date.now();
      const ids = await store.segments.members(b.accountId, b.filter as SegmentFilter, {
        ...(cursor ? { afterContactId: cursor } : {}),
        limit: size,
        now: frozenAt,
      });
      if (ids.length === 0) break;
      cursor = ids.at(-1)!;
      const held = await this.reachPage(b, ids, { job, cursor });
      if (held === false) {
        this.d.log.warn({ broadcastId: b.id }, 'broadcast taken over by another node');
        return;
      }
      this.d.queued?.();
      const current = await store.broadcasts.find(b.accountId, b.id);
      if (!current || current.status === 'cancelled') break;
      if (ids.length < size) break;
      const lead = this.opts.leadMs;
      if (lead > 0 && held.aheadMs > lead) {
        const next = await this.keepLead(job, b, cursor, Date.now() + held.aheadMs - lead);
        if (next === 'cancelled') break;
        if (next === 'lost') {
          this.d.log.warn({ broadcastId: b.id }, 'broadcast taken over by another node');
          return;
        }
      }
      size = nextPageSize(size, Date.now() - started, target, max);
      // A transaction that held the thread too long makes the next page smaller; a short one, larger.
      size = Math.min(size, Math.max(nextPageSize(size, held.heldMs, PAGE_HOLD_MS, max), MIN_HELD_PAGE));
      // Below the most, a power of two: the page's reads name its contacts in lists of a few
      // lengths, whose statements stay prepared on a SQLite store (see statementRuns).
      if (size < max) size = 2 ** Math.floor(Math.log2(size));
    }
    await store.broadcasts.finish(job, Date.now());
    this.d.log.info({ broadcastId: b.id }, 'broadcast sent');
  }

  /**
   * One page of contacts: what it needs of them read in a few queries, then one transaction with
   * each contact's recipient row and, for those queued, the message with its sending time (see
   * `plan`). With `claim`, the transaction first saves the page's cursor and renews the lease, and
   * writes nothing when the job is no longer this node's (false). Its steps give the thread back
   * between them; `heldMs` is how long its transaction held it.
   */
  private async reachPage(
    b: BroadcastRecord,
    page: readonly string[],
    claim?: { job: BroadcastJobRow; cursor: string },
  ): Promise<false | { heldMs: number; aheadMs: number }> {
    const { store } = this.d;
    const done = await store.broadcasts.recorded(b.id, page);
    const ids = page.filter((id) => !done.has(id));
    const now = Date.now();
    const progress = claim
      ? (trx: Kysely<Database>) =>
          store.broadcasts.progress(claim.job, claim.cursor, now, this.opts.leaseMs, trx)
      : undefined;
    if (ids.length === 0) {
      const held = progress
        ? await store.broadcasts.progress(claim!.job, claim!.cursor, now, this.opts.leaseMs)
        : true;
      return held && { heldMs: 0, aheadMs: 0 };
    }
    await bulkTurn(this.opts);
    try {
      const g = await guardrailsOf(store, b.accountId);
      const sites = (channel: 'app' | 'push') =>
        b.channels.includes(channel) ? b.content[channel]?.siteId : undefined;
      const appSite = sites('app');
      const pushSite = sites('push');
      let skill: Promise<string | null> | undefined;
      const ctx: PageContext = {
        now,
        guardrails: g,
        zones: b.localTime || g.quiet ? await store.broadcasts.visitedZones(b.accountId, ids) : new Map(),
        contacts: await store.contacts.findPage(b.accountId, ids),
        consents: await store.consents.channelsOf(b.accountId, ids),
        app: appSite ? await store.appPush.reachableOf('app_tokens', b.accountId, appSite, ids) : new Set(),
        push: pushSite
          ? await store.appPush.reachableOf('push_devices', b.accountId, pushSite, ids)
          : new Set(),
        skill: () => {
          skill ??= this.d.chooseSkill?.(b.accountId) ?? Promise.resolve(null);
          return skill;
        },
      };
      await bulkTurn(this.opts);
      const plans: PlannedRecipient[] = [];
      const messages = new Map<PlannedRecipient, Queued>();
      const slice = turnSlicer(PLAN_SLICE_MS);
      for (const id of ids) {
        const planned = await this.plan(b, id, ctx);
        plans.push(planned.plan);
        if (planned.queued) messages.set(planned.plan, planned.queued);
        await slice();
      }
      await bulkTurn(this.opts);
      let hooks = 0;
      let aheadMs = 0;
      const { value: started, heldMs } = await heldFor(() =>
        store.broadcasts.recordPage(
          plans,
          async (trx, accountId, channel, from, n) => {
            const perMinute = g.perMinute[channel as BroadcastChannel];
            return {
              times: await store.sendSlots.book(trx, accountId, channel, from, n, perMinute),
              perMinute,
            };
          },
          // The cap, across broadcasts and campaigns, checked with the contacts held: see ContactMessagesRepo.
          async (trx, queued) => {
            const bookings = queued.map((p) => ({
              plan: p,
              contactId: p.row.contact_id,
              kind: 'broadcast' as const,
              ref: b.id,
            }));
            const ok = await store.contactMessages.book(trx, b.accountId, bookings, now);
            return new Set(bookings.filter((x) => ok.has(x)).map((x) => x.plan));
          },
          async (trx, booked) => {
            aheadMs = bookedAhead(
              booked.map((x) => ({ at: x.at, earliest: x.plan.send!.at })),
              now,
            );
            await store.broadcasts.saveLinks(
              trx,
              booked.flatMap((x) => messages.get(x.plan)!.links),
            );
            const made = await store.conversations.createInvitations(
              trx,
              b.accountId,
              booked.map((x) => ({
                input: messages.get(x.plan)!.conversation,
                // Never sent twice: a crash during its request leaves it in doubt, not due again.
                outbox: { id: x.plan.send!.outboxId, dueAt: x.at, pacePerMinute: x.perMinute, once: true },
              })),
              now,
            );
            hooks = made.hooks;
            return made.conversations;
          },
          progress,
        ),
      );
      if (!started) return false;
      store.conversations.committed(hooks);
      for (const conversation of started) this.d.started?.(b.accountId, conversation);
      return { heldMs, aheadMs };
    } finally {
      this.templates.delete(b.id);
      this.connections.clear();
    }
  }

  /**
   * What becomes of one contact: held out; skipped with the reason (no reachable channel, a
   * missing value, the frequency cap); or queued on their first reachable channel, not before
   * the broadcast's time (in their zone, for a local-time send) nor in quiet hours.
   */
  private async plan(
    b: BroadcastRecord,
    contactId: string,
    page: PageContext,
  ): Promise<{ plan: PlannedRecipient; queued?: Queued }> {
    const { now, guardrails: g } = page;
    const base: NewRecipient = {
      broadcast_id: b.id,
      contact_id: contactId,
      account_id: b.accountId,
      arm: 'send',
      channel: null,
      state: 'skipped',
      reason: null,
      created_at: now,
    };
    if (inHoldout(b.id, contactId, b.holdoutPercent))
      return { plan: { row: { ...base, arm: 'holdout', state: 'held_out' } } };
    const read = page.contacts.get(contactId);
    if (!read) return { plan: { row: { ...base, reason: 'contact gone' } } };
    const contact = read.contact;
    const choice = await this.choose(b, read, page);
    if ('skip' in choice) return { plan: { row: { ...base, reason: choice.skip } } };
    let message: Rendered;
    try {
      message = await this.render(b, choice.channel, contact);
    } catch (err) {
      return {
        plan: { row: { ...base, channel: choice.channel, reason: String((err as Error)?.message ?? err) } },
      };
    }
    if ('missing' in message)
      return { plan: { row: { ...base, channel: choice.channel, reason: `no ${message.missing}` } } };
    const zone = zoneOfContact(contact) ?? page.zones.get(contactId) ?? g.timeZone;
    let at = b.localTime ? sameLocalTime(b.scheduledAt, g.timeZone, zone) : b.scheduledAt;
    at = Math.max(at, now);
    if (g.quiet) at = afterQuietHours(at, zone, g.quiet);
    const recipient = { broadcastId: b.id, contactId, accountId: b.accountId, now };
    const tracked = this.d.publicUrl
      ? trackLinks(this.d.publicUrl, recipient, choice.channel, message)
      : { message, links: [] };
    message = tracked.message;
    const skillId = b.skillId ?? choice.connection?.defaultSkillId ?? (await page.skill());
    const app = choice.channel === 'app' || choice.channel === 'push' ? b.content[choice.channel] : undefined;
    const conversationId = newId('conv');
    const conversation: Queued['conversation'] = {
      id: conversationId,
      accountId: b.accountId,
      // In-app messages and pushes wait in the conversation of the site's app.
      siteId: app?.siteId ?? null,
      visitorId: null,
      channel: choice.channel === 'push' ? 'app' : choice.channel,
      source: 'invitation',
      skillId,
      // A broadcast's message waits resolved: the customer's answer opens it in its skill.
      status: 'closed',
      closedBy: 'campaign',
      visitorName: contact.name,
      visitorEmail: choice.channel === 'email' ? contact.email : null,
      topic: message.topic,
      contactId: contact.id,
      connectionId: choice.connection?.id ?? null,
      tokenHash: newVisitorToken().hash,
      invitation: {
        text: message.text,
        from: null,
        echoId: `${b.id}:${contact.id}`,
        ...(message.payload ? { outboxPayload: JSON.stringify(message.payload) } : {}),
      },
    };
    return {
      plan: {
        row: { ...base, channel: choice.channel, state: 'queued' },
        send: { at, conversationId, outboxId: newTimeId('out', now) },
      },
      queued: { conversation, links: tracked.links },
    };
  }

  /**
   * The first channel of the order the contact can be reached on: e-mail with an address and no
   * opt-out; SMS with a number, an opt-in and no STOP; WhatsApp with a number, an opt-in and no
   * STOP; in the app or by push when signed in or with a device. Read from the page's context.
   */
  private async choose(
    b: BroadcastRecord,
    read: { contact: Contact; smsOptOut: boolean; whatsAppOptOut: boolean },
    page: PageContext,
  ): Promise<Choice> {
    const { store } = this.d;
    const { contact } = read;
    let optedOut = false;
    for (const channel of b.channels as BroadcastChannel[]) {
      if (channel === 'app' || channel === 'push') {
        if (!b.content[channel]) continue;
        // In the app: the user signed in to it. A push: a device registered, which the phone lets
        // an app do only once the user allowed notifications; unregistering it withdraws that.
        if (page[channel].has(contact.id)) return { channel, connection: null };
        continue;
      }
      if (channel === 'email') {
        if (!contact.email) continue;
        if (contact.emailOptOut) {
          optedOut = true;
          continue;
        }
        return { channel, connection: null };
      }
      const c = b.content[channel];
      if (!c || !contact.phone) continue;
      if (channel === 'sms' ? read.smsOptOut : read.whatsAppOptOut) {
        optedOut = true;
        continue;
      }
      if (!page.consents.get(contact.id)?.has(channel)) continue;
      let connection = this.connections.get(c.connectionId);
      if (!connection) {
        connection = store.channelConnections.find(b.accountId, c.connectionId);
        this.connections.set(c.connectionId, connection);
      }
      const found = await connection;
      if (!found) continue;
      return { channel, connection: found };
    }
    return { skip: optedOut ? 'opted out' : 'no reachable channel' };
  }

  private async render(b: BroadcastRecord, channel: BroadcastChannel, contact: Contact): Promise<Rendered> {
    if (channel === 'sms') {
      const r = render(b.content.sms!.text, contact);
      return 'missing' in r ? r : { text: r.text, topic: null, payload: null };
    }
    if (channel === 'app') {
      const r = render(b.content.app!.text, contact);
      return 'missing' in r ? r : { text: r.text, topic: null, payload: { inApp: true } };
    }
    if (channel === 'push') {
      const p = b.content.push!;
      const title = render(p.title, contact);
      if ('missing' in title) return title;
      const text = render(p.text, contact);
      if ('missing' in text) return text;
      return { text: text.text, topic: null, payload: { push: { title: title.text } } };
    }
    if (channel === 'email') {
      const e = b.content.email!;
      const subject = render(e.subject, contact);
      if ('missing' in subject) return subject;
      const text = render(e.text, contact);
      if ('missing' in text) return text;
      const html = e.html === undefined ? undefined : render(e.html, contact);
      if (html && 'missing' in html) return html;
      return { text: text.text, topic: subject.text, payload: html ? { html: html.text } : null };
    }
    const wa = b.content.whatsapp!;
    let template = this.templates.get(b.id);
    if (!template) {
      template = broadcastTemplate(this.d.store, b.accountId, wa);
      this.templates.set(b.id, template);
    }
    const t = await template;
    if (!t) throw new Error(`the template ${wa.template.name} (${wa.template.language}) is no longer listed`);
    const values: Record<string, Record<string, string>> = {};
    for (const part of ['header', 'body'] as const) {
      const given = wa.template.variables?.[part];
      if (!given) continue;
      values[part] = {};
      for (const [k, text] of Object.entries(given)) {
        const r = render(text, contact);
        if ('missing' in r) return r;
        values[part][k] = r.text;
      }
    }
    const line = templateMessage(t, values);
    return { text: line.text, topic: null, payload: { template: line.template } };
  }
}
