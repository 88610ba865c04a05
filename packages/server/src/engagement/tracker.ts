import {
  ALL_FIELDS,
  applyEvent,
  baseEngagement,
  createVisitorState,
  type Decision,
  Field,
  hasAppEvents,
  linkContact,
  recordExposure,
  setGeo,
  startSession,
  type TargetingEngine,
  toWebEvent,
  type VisitorGeo,
  type VisitorState,
} from '@beckon/core';
import type {
  BatchFrame,
  ChatInvitation,
  Device,
  HelloFrame,
  PageViewEvent,
  ProactiveMessage,
  VisitorEvent,
} from '@beckon/protocol';
import type { Logger } from '../logger.ts';
import { eventName, isIndexedEvent } from '../store/event-rows.ts';
import type { EventsWriterPort } from '../store/events-writer.ts';
import type { ExposureRow } from '../store/exposures-repo.ts';
import type { Store } from '../store/store.ts';
import type { VisitorRow } from '../store/visitors-repo.ts';
import type { TargetingRegistry } from './account-targeting.ts';
import type { EngagementConfig } from './engagement-config.ts';
import type { EngagementMetrics } from './engagement-metrics.ts';
import {
  BATCH_MEMORY,
  type LiveVisitor,
  newLiveVisitor,
  rememberBatch,
  rememberPage,
  type VisitorChannel,
  visitorKey,
} from './live-visitor.ts';
import type { ProactiveJob } from './proactive-messages.ts';
import { TokenBucket } from './rate-limiter.ts';
import { nextMidnight, sessionExpired } from './session-clock.ts';
import type { SiteInfo } from './site-directory.ts';
import { TimeChecks } from './time-checks.ts';
import { restoreVisitor, sessionRow, visitorRow } from './visitor-records.ts';

/** Scores a visitor after each applied batch (the propensity model); returns the Field bits it changed. */
export interface ScoringHook {
  update(live: LiveVisitor, events: readonly VisitorEvent[], now: number): number;
}

/** Hears the events that may name a visitor (identify, personal and customer attributes); must not block. */
export interface ContactsHook {
  notice(live: LiveVisitor, event: VisitorEvent, channel: VisitorChannel | null): void;
}

export interface TrackerDeps {
  store: Store;
  writer: EventsWriterPort;
  config: EngagementConfig;
  metrics: EngagementMetrics;
  targeting: TargetingRegistry;
  log: Logger;
  newId: (prefix: 'ses' | 'exp') => string;
  scoring?: ScoringHook;
  contacts?: ContactsHook;
  /** Takes a campaign's message to a contact's channel; must not block. Without it, messages are ignored. */
  proactive?: { enqueue(job: ProactiveJob): void };
}

interface SiteVisitors {
  accountId: string;
  visitors: Map<string, LiveVisitor>;
}

/** A manual chat invitation an agent sends to one visitor. */
export interface ManualInvite {
  skillId: string;
  message: string;
  /** The inviting agent: the chat is offered to them first. */
  agentId?: string;
  agentName?: string;
}

/**
 * Live visitor state per site and visitor: applies events in memory, hands rows to the batched
 * writer, rolls sessions, asks targeting after each change (and when a time check is due), delivers
 * engagements, and evicts idle visitors to the store (restoring them when they return).
 */
export class Tracker {
  readonly timers: TimeChecks;
  private readonly sites = new Map<string, SiteVisitors>();
  private readonly loading = new Map<string, Promise<LiveVisitor>>();
  /** Evicted visitors whose row may not be committed yet: a quick return restores from here. */
  private readonly parked = new Map<string, VisitorRow>();
  private count = 0;

  constructor(private readonly d: TrackerDeps) {
    this.timers = new TimeChecks(d.config.timerResolutionMs, (live, now) =>
      this.evaluate(live, Field.Clock, now),
    );
  }

  /** Visitors held in memory. */
  get size(): number {
    return this.count;
  }

  /** The live visitor if it is in memory (no store access). */
  peek(siteId: string, visitorId: string): LiveVisitor | undefined {
    return this.sites.get(siteId)?.visitors.get(visitorId);
  }

  /** The live visitor: from memory, else restored from the store, else new. Concurrent calls share one load. */
  async acquire(site: SiteInfo, visitorId: string, device: Device): Promise<LiveVisitor> {
    const live = this.peek(site.id, visitorId);
    if (live) return live;
    const key = visitorKey(site.id, visitorId);
    let p = this.loading.get(key);
    if (!p) {
      p = this.load(site, visitorId, device).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  /**
   * A socket said hello: attach it, roll the session if it is over, take the connection's location
   * (when known: a tab behind a private address keeps the visit's), and evaluate everything once.
   */
  hello(
    live: LiveVisitor,
    channel: VisitorChannel,
    frame: HelloFrame,
    now: number,
    geo: VisitorGeo | null = null,
  ): void {
    const state = live.state;
    this.roll(live, now);
    state.device = frame.device;
    if (frame.tz !== undefined) state.tz = frame.tz;
    if (frame.app !== undefined) state.app = { platform: frame.app.platform, version: frame.app.version };
    this.locate(live, geo);
    // A reconnect to a page this node does not know: it restarted before the visitor's snapshot
    // held that page. The tag will not report the page again, so it is taken from the hello.
    const otherPage = frame.resumed && state.page?.url !== frame.page.url;
    if (otherPage) this.resumePage(live, frame.page, now);
    live.channels.add(channel);
    // A new page takes the engagements, and so does a reconnecting tab whose page becomes the latest;
    // any other reconnecting tab does not take them from the tab showing the latest page.
    if (!frame.resumed || otherPage || !live.last?.open) live.last = channel;
    live.disconnectedAt = 0;
    channel.send(
      JSON.stringify({
        type: 'welcome',
        visitorId: live.visitorId,
        sessionId: state.sessionId,
        returning: state.returning,
      }),
    );
    this.evaluate(live, ALL_FIELDS, now);
  }

  /**
   * Sets where the visitor is; the session row carries it from now on (the reports group by it).
   * Returns the Field bits that changed.
   */
  locate(live: LiveVisitor, geo: VisitorGeo | null): number {
    if (geo === null) return 0;
    const changed = setGeo(live.state, geo);
    if (changed !== 0) this.d.writer.putSession(sessionRow(live));
    return changed;
  }

  /** The hello's page as the visitor's current page (time on it counts from now). */
  private resumePage(live: LiveVisitor, page: HelloFrame['page'], now: number): void {
    const view: PageViewEvent = { type: 'page_view', url: page.url, ts: now };
    if (page.title !== undefined) view.title = page.title;
    if (page.sections !== undefined) view.sections = page.sections;
    applyEvent(live.state, view, now);
    visited(live, page.url, page.referrer, now);
    this.d.scoring?.update(live, [view], now);
  }

  /**
   * Applies one batch (from a socket, or from a beacon when `channel` is null). Returns false for
   * a batch id seen before: the caller acknowledges it, nothing is applied or stored twice. `raw`
   * is the frame's text as received (any JSON text with the same `events`): it goes to the event
   * log as it is, so the events are not serialised again here.
   */
  applyBatch(
    live: LiveVisitor,
    batch: BatchFrame,
    channel: VisitorChannel | null,
    now: number,
    raw: string = JSON.stringify(batch),
  ): boolean {
    if (!rememberBatch(live, batch.id)) {
      this.d.metrics.duplicates.inc();
      return false;
    }
    let changed = this.roll(live, now);
    const state = live.state;
    const { writer } = this.d;
    if (hasAppEvents(batch.events)) {
      // An app's screens and foreground changes are page views and visibility from here on: the
      // session, score, segments and event log treat them as the web's.
      const platform = state.app?.platform ?? 'app';
      batch = { ...batch, events: batch.events.map((e) => toWebEvent(e, platform)) };
      raw = JSON.stringify(batch);
    }
    const events = batch.events;
    const landed = live.landingUrl === null;
    let viewed = false;
    // What segments read of the frame: sections viewed and the largest cart (visitor-marks.ts).
    let sections: Set<string> | undefined;
    let cart: number | undefined;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if ((ev.type === 'page_view' || ev.type === 'section') && ev.sections && ev.sections.length > 0) {
        sections ??= new Set();
        for (const s of ev.sections) sections.add(s);
      } else if (ev.type === 'attr' && ev.attrType === 'cart' && typeof ev.value.total === 'number')
        cart = cart === undefined ? ev.value.total : Math.max(cart, ev.value.total);
      const pending = state.pendingExposureId;
      const bits = applyEvent(state, ev, now);
      changed |= bits;
      if (ev.type === 'page_view') {
        visited(live, ev.url, ev.referrer, now);
        viewed = true;
      } else if (ev.type === 'identify' || (ev.type === 'attr' && namesVisitor(ev.attrType)))
        this.d.contacts?.notice(live, ev, channel);
      if (ev.type === 'exposure_outcome') {
        if (bits !== 0) writer.addOutcome({ id: ev.exposureId, outcome: ev.outcome, at: now });
      } else if (pending !== null && state.pendingExposureId !== pending) {
        // The visitor moved on (a new page) without answering: the engagement was ignored.
        writer.addOutcome({ id: pending, outcome: 'ignored', at: now });
      }
    }
    const accountId = live.site.accountId;
    writer.appendFrame({
      accountId,
      siteId: live.site.id,
      visitorId: live.visitorId,
      sessionId: state.sessionId,
      batchId: batch.id,
      ts: now,
      rows: events.length,
      raw,
      sections: sections && JSON.stringify([...sections]),
      cart,
    });
    // Purchases and goal events also get rows of their own: attribution reads them one by one.
    const goals = this.d.targeting.get(accountId)?.goals;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if (!isIndexedEvent(ev, goals)) continue;
      writer.appendEvent({
        account_id: accountId,
        site_id: live.site.id,
        visitor_id: live.visitorId,
        session_id: state.sessionId,
        batch_id: batch.id,
        seq: i,
        type: ev.type,
        name: eventName(ev),
        payload: JSON.stringify(ev),
        ts: now,
      });
    }
    this.d.metrics.events.inc(events.length);
    if (landed && live.landingUrl !== null) writer.putSession(sessionRow(live)); // landing page and source known now
    if (this.d.scoring) changed |= this.d.scoring.update(live, events, now);
    // Targeting decides on the visitor's latest page, so its engagements go to the tab showing it:
    // another tab's events (an offer's outcome, a click) do not take them to a page they were not for.
    if (channel !== null && (viewed || !live.last?.open)) live.last = channel;
    this.evaluate(live, changed, now);
    return true;
  }

  /** A socket closed: engagements now go to another tab, or wait until the visitor is back. */
  detach(live: LiveVisitor, channel: VisitorChannel, now: number): void {
    live.channels.delete(channel);
    if (live.last === channel) live.last = live.channels.values().next().value ?? null;
    if (live.channels.size === 0) {
      live.disconnectedAt = now;
      this.timers.remove(live);
      if (live.state.app !== undefined) this.leftApp(live, now);
    }
  }

  /**
   * An app's last socket closed without the app saying it went to the background (it was killed,
   * or lost its network): the user is away from it, and a push campaign may reach them now.
   */
  private leftApp(live: LiveVisitor, now: number): void {
    const t = this.d.targeting.get(live.site.accountId);
    const changed = applyEvent(live.state, { type: 'visibility', visible: false, ts: now }, now);
    if (changed === 0 || !t?.messages) return;
    const d = t.engine.evaluate(live.state, changed, now, t.capacity, true);
    if (d?.engagement.type === 'message') this.message(live, d, d.engagement, now);
  }

  /** An agent's invitation, sent now to the visitor's open socket; returns the exposure id or null when offline. */
  invite(live: LiveVisitor, invite: ManualInvite, now: number): string | null {
    const channel = this.openChannel(live);
    if (!channel) return null;
    this.ignorePending(live, now);
    const exposureId = this.d.newId('exp');
    const engagement: ChatInvitation = {
      type: 'chat_invitation',
      skillId: invite.skillId,
      message: invite.message,
      style: 'toaster',
      offline: 'none',
    };
    recordExposure(live.state, { exposureId, campaignId: 'manual', control: false }, now);
    this.exposureRow(live, exposureId, null, engagement.type, false, now, {
      agent_id: invite.agentId ?? null,
      invitation_text: invite.message,
      invitation_from: invite.agentName ?? null,
    });
    this.d.metrics.exposuresManual.inc();
    channel.send(
      JSON.stringify({
        type: 'engage',
        exposureId,
        campaignId: 'manual',
        engagement,
        ...(invite.agentName ? { agentName: invite.agentName } : {}),
      }),
    );
    return exposureId;
  }

  /**
   * The visitor is now known as a contact (identify, a form): campaigns that send a message to a
   * contact may fire for them. Does nothing when the visitor is not in memory here; the link is in
   * the visitor's snapshot from now on.
   */
  linkContact(siteId: string, visitorId: string, contactId: string, now = Date.now()): void {
    const live = this.peek(siteId, visitorId);
    if (!live) return;
    const changed = linkContact(live.state, contactId);
    if (changed !== 0) this.evaluate(live, changed, now);
  }

  /** The account's visitor with this id in memory (on `siteId` when given; else the most recently active). */
  findLive(accountId: string, visitorId: string, siteId?: string): LiveVisitor | undefined {
    let best: LiveVisitor | undefined;
    for (const [id, s] of this.sites) {
      if (s.accountId !== accountId || (siteId !== undefined && id !== siteId)) continue;
      const live = s.visitors.get(visitorId);
      if (live && (!best || live.state.lastEventAt > best.state.lastEventAt)) best = live;
    }
    return best;
  }

  /**
   * Drops an erased visitor from memory on every site of the account without writing it back, so
   * nothing it held is stored again. Answers how many it held.
   */
  forget(accountId: string, visitorId: string): number {
    let n = 0;
    for (const [siteId, s] of this.sites) {
      const live = s.accountId === accountId ? s.visitors.get(visitorId) : undefined;
      if (!live) continue;
      this.timers.remove(live);
      s.visitors.delete(visitorId);
      this.count--;
      n++;
      if (s.visitors.size === 0) this.sites.delete(siteId);
    }
    for (const [key, row] of this.parked) {
      if (row.account_id === accountId && row.id === visitorId) this.parked.delete(key);
    }
    return n;
  }

  /** Every live visitor of an account, site by site. */
  *visitorsOf(accountId: string): Iterable<LiveVisitor> {
    for (const s of this.sites.values()) {
      if (s.accountId !== accountId) continue;
      yield* s.visitors.values();
    }
  }

  /** Evicts visitors idle longer than the configuration allows (or `idleMs`), snapshots active ones, bounds memory. */
  async sweep(now: number, idleMs = this.d.config.evictIdleMs): Promise<number> {
    const evicted: LiveVisitor[] = [];
    const { snapshotEveryMs, maxLiveVisitors } = this.d.config;
    for (const s of this.sites.values()) {
      for (const live of s.visitors.values()) {
        const idleSince = Math.max(live.disconnectedAt, live.state.lastEventAt);
        if (live.channels.size === 0 && now - idleSince >= idleMs) evicted.push(live);
        else if (live.state.lastEventAt > live.persistedAt && now - live.persistedAt >= snapshotEveryMs) {
          this.persist(live, now);
        }
      }
    }
    for (const live of evicted) this.evict(live, now);
    if (this.count > maxLiveVisitors) {
      const idle = [...this.allVisitors()].filter((v) => v.channels.size === 0);
      idle.sort((a, b) => a.state.lastEventAt - b.state.lastEventAt);
      for (const live of idle.slice(0, this.count - maxLiveVisitors)) {
        this.evict(live, now);
        evicted.push(live);
      }
    }
    if (evicted.length > 0) {
      const rows = evicted.map((l) => this.parked.get(l.key));
      await this.d.writer.flush();
      evicted.forEach((l, i) => {
        if (this.parked.get(l.key) === rows[i]) this.parked.delete(l.key);
      });
    }
    return evicted.length;
  }

  /** Snapshots every visitor and waits for the writer (shutdown). */
  async close(now = Date.now()): Promise<void> {
    this.timers.stop();
    for (const live of this.allVisitors()) this.persist(live, now);
    await this.d.writer.flush();
  }

  /** Asks targeting what to do after `changed`, delivers it, and sets the next time check. */
  evaluate(live: LiveVisitor, changed: number, now: number): void {
    const channel = this.openChannel(live);
    const t = this.d.targeting.get(live.site.accountId);
    if (!channel || !t) {
      this.timers.remove(live);
      return;
    }
    const state = live.state;
    this.withdrawLapsed(live, channel, t.engine, now);
    let decision = t.engine.evaluate(state, changed, now, t.capacity);
    // A control qualification shows nothing and a chat button holds nothing back, so the next
    // campaign in line may still engage; anything else waits for the visitor's answer.
    for (let n = 0; decision !== null && n < 64; n++) {
      this.deliver(live, channel, decision, now, t.agentName);
      if (state.pendingExposureId !== null) break;
      decision = t.engine.evaluate(state, 0, now, t.capacity);
    }
    this.timers.set(live, t.engine.nextCheck(state, now));
  }

  /**
   * Takes back the offer on screen when its campaign's condition stopped holding (the cart an
   * "empty cart" offer was for is filled now): it no longer fits, and the next campaign in line
   * may engage. The exposure counts as ignored. Content offers, toaster and overlay invitations,
   * and the offline notice an invitation turns into; a chat button stays (it starts nothing).
   */
  private withdrawLapsed(live: LiveVisitor, channel: VisitorChannel, engine: TargetingEngine, now: number) {
    const state = live.state;
    const id = state.pendingExposureId;
    const shown = id === null ? undefined : state.exposures.find((x) => x.exposureId === id);
    const verdict = shown && engine.verdict(shown.campaignId, state, now);
    const type = verdict?.campaign.engagement.type;
    if (!verdict || verdict.holds || (type !== 'content' && type !== 'chat_invitation')) return;
    channel.send(
      JSON.stringify({
        type: 'engage',
        exposureId: id,
        campaignId: verdict.campaign.id,
        engagement: baseEngagement(verdict.campaign.engagement),
        withdraw: true,
      }),
    );
    this.d.metrics.exposuresWithdrawn.inc();
    this.ignorePending(live, now);
  }

  private deliver(
    live: LiveVisitor,
    channel: VisitorChannel,
    d: Decision,
    now: number,
    agentName: (skillId: string) => string | undefined,
  ): void {
    if (d.engagement.type === 'message') {
      this.message(live, d, d.engagement, now);
      return;
    }
    const shown = d.engagement.type === 'chat_invitation' && !d.control ? d.engagement : null;
    // An invitation says who will answer when routing has one agent clearly next.
    const name = shown ? agentName(shown.skillId) : undefined;
    const words = shown ? { invitation_text: shown.message, invitation_from: name ?? null } : {};
    this.exposureRow(live, d.exposureId, d.campaignId, d.engagement.type, d.control, now, {
      ...words,
      variant: d.variant ?? null,
    });
    if (d.control) {
      this.d.metrics.exposuresControl.inc();
      return;
    }
    this.d.metrics.exposuresShown.inc();
    channel.send(
      JSON.stringify({
        type: 'engage',
        exposureId: d.exposureId,
        campaignId: d.campaignId,
        engagement: d.engagement,
        ...(name ? { agentName: name } : {}),
      }),
    );
  }

  /** A campaign's message: nothing goes to the page; the contact's channel gets it, off this path. */
  private message(live: LiveVisitor, d: Decision, message: ProactiveMessage, now: number): void {
    const words = d.control ? {} : { invitation_text: message.text, variant: d.variant ?? null };
    this.exposureRow(live, d.exposureId, d.campaignId, message.type, d.control, now, words);
    if (d.control) {
      this.d.metrics.exposuresControl.inc();
      return;
    }
    const job = {
      accountId: live.site.accountId,
      siteId: live.site.id,
      visitorId: live.visitorId,
      exposureId: d.exposureId,
      campaignId: d.campaignId,
      message,
      at: now,
    };
    if (this.d.proactive) this.d.proactive.enqueue(job);
    else this.d.writer.addOutcome({ id: d.exposureId, outcome: 'ignored', at: now });
  }

  private exposureRow(
    live: LiveVisitor,
    id: string,
    campaignId: string | null,
    type: string,
    control: boolean,
    now: number,
    shown: Pick<ExposureRow, 'agent_id' | 'invitation_text' | 'invitation_from' | 'variant'>,
  ): void {
    this.d.writer.addExposure({
      id,
      account_id: live.site.accountId,
      site_id: live.site.id,
      campaign_id: campaignId,
      visitor_id: live.visitorId,
      session_id: live.state.sessionId,
      engagement_type: type,
      control: control ? 1 : 0,
      outcome: null,
      score: live.state.score ?? null,
      agent_id: shown.agent_id ?? null,
      invitation_text: shown.invitation_text ?? null,
      invitation_from: shown.invitation_from ?? null,
      variant: shown.variant ?? null,
      created_at: now,
      shown_at: null,
      outcome_at: null,
    });
    // The exposure itself is written behind (the events writer): its webhook follows it at once.
    if (campaignId === null) return;
    const exposure = {
      id,
      siteId: live.site.id,
      visitorId: live.visitorId,
      sessionId: live.state.sessionId ?? null,
      campaignId,
      engagementType: type,
      control,
      variant: shown.variant ?? null,
      createdAt: new Date(now).toISOString(),
    };
    this.d.store.webhooks
      .emit(
        live.site.accountId,
        [{ type: 'exposure.created', timestamp: exposure.createdAt, data: { exposure } }],
        now,
      )
      .catch((err) => this.d.log.warn({ err }, 'exposure webhook not queued'));
  }

  private openChannel(live: LiveVisitor): VisitorChannel | null {
    if (live.last?.open) return live.last;
    for (const c of live.channels) {
      if (c.open) {
        live.last = c;
        return c;
      }
    }
    return null;
  }

  /** Starts a new session when the current one is over; returns the Field bits that changed. */
  private roll(live: LiveVisitor, now: number): number {
    const state = live.state;
    if (!sessionExpired(state.lastEventAt, live.sessionEndsAt, now, this.d.config.sessionIdleMs)) return 0;
    this.ignorePending(live, now);
    this.d.writer.putSession(sessionRow(live)); // the finished session's final figures
    startSession(state, this.d.newId('ses'), now);
    live.sessionCount++;
    live.pages = [];
    live.landingUrl = null;
    live.referrer = null;
    this.sessionStarted(live, now);
    return ALL_FIELDS;
  }

  private sessionStarted(live: LiveVisitor, now: number): void {
    live.sessionEndsAt = nextMidnight(live.site.timeZone, now);
    (live.state.returning ? this.d.metrics.sessionsReturning : this.d.metrics.sessionsNew).inc();
    this.persist(live, now);
  }

  private ignorePending(live: LiveVisitor, now: number): void {
    const pending = live.state.pendingExposureId;
    if (pending === null) return;
    live.state.pendingExposureId = null;
    this.d.writer.addOutcome({ id: pending, outcome: 'ignored', at: now });
  }

  /** Hands the visitor's snapshot and session row to the writer now (before reading them back). */
  persistNow(live: LiveVisitor): void {
    this.persist(live, Date.now());
  }

  private persist(live: LiveVisitor, now: number): void {
    this.d.writer.putVisitor(visitorRow(live));
    this.d.writer.putSession(sessionRow(live));
    live.persistedAt = now;
  }

  private evict(live: LiveVisitor, now: number): void {
    this.ignorePending(live, now);
    this.timers.remove(live);
    const row = visitorRow(live);
    this.d.writer.putVisitor(row);
    this.d.writer.putSession(sessionRow(live));
    this.parked.set(live.key, row);
    const s = this.sites.get(live.site.id);
    if (s?.visitors.delete(live.visitorId)) this.count--;
    if (s && s.visitors.size === 0) this.sites.delete(live.site.id);
    this.d.metrics.evictions.inc();
  }

  private *allVisitors(): Iterable<LiveVisitor> {
    for (const s of this.sites.values()) yield* s.visitors.values();
  }

  private async load(site: SiteInfo, visitorId: string, device: Device): Promise<LiveVisitor> {
    const key = visitorKey(site.id, visitorId);
    const contact = this.contactOf(site, visitorId);
    const arms = this.armsOf(site, visitorId);
    const parked = this.parked.get(key);
    const stored = parked
      ? {
          siteId: site.id,
          visitorId,
          accountId: site.accountId,
          firstSeenAt: parked.first_seen_at,
          lastSeenAt: parked.last_seen_at,
          sessionCount: parked.session_count ?? 1,
          device: parked.device,
          state: JSON.parse(parked.state) as unknown,
        }
      : await this.d.store.visitors.get(site.id, visitorId);
    const now = Date.now();
    const restored = stored ? restoreVisitor(stored) : null;
    let live: LiveVisitor;
    if (restored) {
      live = this.make(site, visitorId, restored.state, now);
      live.batchIds = restored.batchIds.slice(-BATCH_MEMORY);
      live.batchSet = new Set(live.batchIds);
      live.pages = restored.pages;
      live.landingUrl = restored.landingUrl;
      live.referrer = restored.referrer;
      live.sessionCount = restored.sessionCount;
      live.firstSeenAt = restored.firstSeenAt;
      live.sessionEndsAt = nextMidnight(site.timeZone, restored.state.sessionStartedAt);
      live.persistedAt = now;
      this.d.metrics.restores.inc();
    } else {
      const state = createVisitorState(
        { visitorId, sessionId: this.d.newId('ses'), returning: stored !== undefined, device },
        now,
      );
      live = this.make(site, visitorId, state, now);
      live.sessionCount = (stored?.sessionCount ?? 0) + 1;
      live.firstSeenAt = stored?.firstSeenAt ?? now;
      this.sessionStarted(live, now);
    }
    const contactId = await contact;
    if (contactId) linkContact(live.state, contactId);
    keepArms(live.state, await arms);
    let s = this.sites.get(site.id);
    if (!s) {
      s = { accountId: site.accountId, visitors: new Map() };
      this.sites.set(site.id, s);
    }
    s.visitors.set(visitorId, live);
    this.count++;
    return live;
  }

  /**
   * The contact a visitor being loaded is linked to, looked up alongside its snapshot, and only
   * while a campaign of the account sends messages (they target contacts only).
   */
  private async contactOf(site: SiteInfo, visitorId: string): Promise<string | undefined> {
    if (!this.d.targeting.get(site.accountId)?.messages) return undefined;
    try {
      return (await this.d.store.contacts.ofVisitor(site.accountId, site.id, visitorId))?.id;
    } catch (err) {
      this.d.log.warn({ err, siteId: site.id }, 'contact lookup failed; the visitor counts as unknown');
      return undefined;
    }
  }

  /**
   * The arms a visitor being loaded was recorded in, by campaign, read from their exposures while a
   * campaign of the account has variants: a snapshot that lags behind them cannot move the visitor.
   */
  private async armsOf(site: SiteInfo, visitorId: string): Promise<Map<string, string>> {
    if (!this.d.targeting.get(site.accountId)?.variants) return new Map();
    try {
      return await this.d.store.exposures.armsOf(site.accountId, site.id, visitorId);
    } catch (err) {
      this.d.log.warn({ err, siteId: site.id }, 'arm lookup failed; the snapshot keeps the arms it has');
      return new Map();
    }
  }

  private make(site: SiteInfo, visitorId: string, state: VisitorState, now: number): LiveVisitor {
    return newLiveVisitor(site, visitorId, state, new TokenBucket(this.d.config.visitorFrames, now), now);
  }
}

/** A page view applied to the state: the journey remembers it, and the visit's first names its landing page and referrer. */
function visited(live: LiveVisitor, url: string, referrer: string | undefined, now: number): void {
  rememberPage(live, now);
  if (live.landingUrl === null) {
    live.landingUrl = url;
    live.referrer = referrer ?? null;
  }
}

/** Gives the visitor's campaign memory the arms their exposures recorded (a recorded arm wins). */
function keepArms(state: VisitorState, arms: ReadonlyMap<string, string>): void {
  for (const [campaignId, arm] of arms) {
    const mem = state.campaigns.get(campaignId);
    if (mem) mem.arm = arm;
    else state.campaigns.set(campaignId, { sessionId: state.sessionId, sessionCount: 0, recent: [], arm });
  }
}

/** Attributes that may name the visitor as a contact (an e-mail, a customer record). */
const namesVisitor = (attrType: string) => attrType === 'personal' || attrType === 'customer';
