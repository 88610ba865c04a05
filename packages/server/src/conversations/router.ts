import { isOpen, nextOpening } from '@beckon/core/hours/business-hours';
import type { SkillRules } from '@beckon/core/routing/index';
import {
  afterMissedOffer,
  DEFAULT_DECLINE_COOLDOWN_MS,
  DEFAULT_MISSES_BEFORE_AWAY,
  nextCooldownEnd,
  nextRoutingDeadline,
  offerDeadline,
  offerExpired,
  overflowDecision,
  planOffers,
} from '@beckon/core/routing/index';
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { AgentChatService } from './agent-chat-service.ts';
import type { AgentPresence } from './agent-presence.ts';
import type { ChatAnnouncer } from './chat-announcer.ts';
import { chatTopics } from './chat-events.ts';
import type { PresenceSet } from './presence-set.ts';

/**
 * How long one node keeps an account's routing to itself (ms). The lease only saves duplicate work:
 * each offer is a store transaction that re-checks the conversation and locks the agent's row, so
 * two passes at once (a pass that outlived its lease, or no bus) still cannot double-assign. Short,
 * so the lease of a node killed mid-pass stops holding the others back within a second.
 */
const ROUTE_LEASE_MS = 1_000;
/** How soon a node whose trigger found the lease taken looks again (ms). */
const LEASE_RETRY_MS = 150;

export interface RouterOptions {
  /** How often every account with waiting work is looked at, besides the triggers (ms). */
  sweepMs?: number;
  /** Consecutive missed offers before an agent is set to away. */
  missesBeforeAway?: number;
  /** How long a chat is kept from the agent who declined it (ms; 0: not at all). */
  declineCooldownMs?: number;
}

/**
 * The router: a pass over one account expires unanswered offers (and sets repeat offenders
 * away, telling them why), overflows conversations past their skill's maximum wait, then offers
 * waiting conversations to the best available agents — each offer an atomic store operation, so
 * passes on several nodes cannot double-assign. Passes run on triggers (a new conversation, an agent
 * online or freed), at the next deadline (an offer's expiry, a maximum wait, the end of a decline's
 * cool-down — all read from the store, so any node's pass arms it), and on a periodic sweep;
 * usually one node at a time per account, under a short lease on the bus.
 */
/** How long traffic of asynchronous channels waits for the routing pass it shares. */
const SOON_MS = 50;

export class Router {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly deadlines = new Map<string, NodeJS.Timeout>();
  /** Accounts with a pass asked for `soon`, not yet begun. */
  private readonly soon = new Map<string, NodeJS.Timeout>();
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;
  /** The time routing decides by (tests move it across business hours). */
  clock: () => number = Date.now;
  private readonly missesBeforeAway: number;
  private readonly declineCooldownMs: number;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly presence: AgentPresence,
    /** Conversations whose visitor is here: the others keep their place but are not offered. */
    private readonly visitorsHere: PresenceSet,
    private readonly announcer: ChatAnnouncer,
    private readonly agents: () => AgentChatService,
    private readonly log: Logger,
    private readonly opts: RouterOptions = {},
  ) {
    this.missesBeforeAway = opts.missesBeforeAway ?? DEFAULT_MISSES_BEFORE_AWAY;
    this.declineCooldownMs = opts.declineCooldownMs ?? DEFAULT_DECLINE_COOLDOWN_MS;
  }

  start(): void {
    this.sweepTimer = setInterval(() => void this.sweep(), this.opts.sweepMs ?? 5000);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const t of this.deadlines.values()) clearTimeout(t);
    for (const t of this.soon.values()) clearTimeout(t);
    await Promise.allSettled([...this.running.values()]);
  }

  private async sweep(): Promise<void> {
    try {
      for (const accountId of await this.store.routing.accountsWithWork()) this.schedule(accountId);
    } catch (err) {
      if (!this.stopped) this.log.error({ err }, 'routing sweep failed');
    }
  }

  /** Asks for a pass over an account soon; passes requested while one runs coalesce into one more. */
  schedule(accountId: string): void {
    if (this.stopped) return;
    if (this.running.has(accountId)) {
      this.again.add(accountId);
      return;
    }
    const run = this.pass(accountId)
      .catch((err) => {
        if (!this.stopped) this.log.error({ err, accountId }, 'routing pass failed');
      })
      .finally(() => {
        this.running.delete(accountId);
        if (this.again.delete(accountId)) this.schedule(accountId);
      });
    this.running.set(accountId, run);
  }

  /**
   * Asks for a pass within `delayMs`; the requests of that time share it. For traffic that waits
   * in a queue anyway (mail, app messages): a pass reads the account's whole queue, so a flood of
   * mails each asking for one at once would spend the node on reading the queue again and again.
   */
  scheduleSoon(accountId: string, delayMs = SOON_MS): void {
    if (this.stopped || this.soon.has(accountId)) return;
    const timer = setTimeout(() => {
      this.soon.delete(accountId);
      this.schedule(accountId);
    }, delayMs);
    timer.unref();
    this.soon.set(accountId, timer);
  }

  /** Runs a pass now and waits for it (tests, and callers that need the result). */
  async runNow(accountId: string): Promise<void> {
    await this.running.get(accountId);
    await this.pass(accountId);
  }

  private async pass(accountId: string): Promise<void> {
    let release: (() => Promise<void>) | null;
    try {
      release = await this.bus.tryLock(chatTopics.routeLock(accountId), ROUTE_LEASE_MS);
    } catch (err) {
      // The bus is down. Routing goes on without the lease: the store's transactions keep every
      // offer correct, and a pass that may overlap another node's beats no routing at all.
      this.log.warn(
        { err: (err as Error).message, accountId },
        'routing without a lease: the bus is unreachable',
      );
      release = async () => {};
    }
    if (!release) {
      // Another node routes this account right now; look again shortly in case our trigger came late.
      setTimeout(() => this.schedule(accountId), LEASE_RETRY_MS).unref();
      return;
    }
    try {
      await this.route(accountId);
    } finally {
      await release().catch(() => {});
    }
  }

  private async route(accountId: string): Promise<void> {
    const now = this.clock();
    let snap = await this.store.routing.snapshot(accountId);
    // Outside a skill's business hours its queue holds: nothing is offered or overflows until opening.
    const closed = (skillId: string) => isClosed(snap.skills.get(skillId), now);
    let changed = false;

    const expired = snap.offers.filter((offer) => {
      const skill = snap.skills.get(offer.skillId);
      return skill !== undefined && offerExpired(offer.offeredAt, skill, now);
    });
    // An offer that expired after its agent's console went away (a node that died with their
    // socket) was never seen: withdrawn without a miss, like a disconnect.
    const present = expired.length > 0 ? await this.presence.connected(accountId) : new Set<string>();
    for (const offer of expired) {
      const seen = present.has(offer.agentId);
      const revoked = await this.store.assignment.revokeOffer(
        accountId,
        offer.conversationId,
        offer.agentId,
        seen ? 'timeout' : 'disconnected',
      );
      if (!revoked) continue;
      changed = true;
      if (!seen) continue;
      this.announcer.events.toAgent(offer.agentId, {
        t: 'offer.revoked',
        conversationId: offer.conversationId,
        reason: 'timeout',
      });
      const misses = await this.store.assignment.recordMiss(accountId, offer.agentId);
      const verdict = afterMissedOffer(misses - 1, this.missesBeforeAway);
      if (verdict.setAway) {
        this.log.info({ accountId, agentId: offer.agentId, misses }, 'agent set away after missed offers');
        await this.agents().setStatus(accountId, offer.agentId, 'away', {
          reason: 'missed_offers',
          missedOffers: misses,
        });
      }
    }

    for (const q of snap.queue) {
      const skill = snap.skills.get(q.skillId);
      // Only a live chat overflows: a conversation on an asynchronous channel (e-mail, an app)
      // waits in its queue until someone of its skill can answer.
      if (!skill || !isLive(q.channel) || closed(q.skillId)) continue;
      const decision = overflowDecision(q, skill, now);
      if (decision.kind === 'wait') continue;
      const to = decision.kind === 'transfer' ? { skillId: decision.skillId } : ('offline' as const);
      const moved = await this.store.assignment.overflow(accountId, q.id, q.skillId, to, now);
      if (!moved) continue;
      changed = true;
      if (to === 'offline') await this.announcer.visitorLine(accountId, q.id, 'offline');
      await this.announcer.updated(accountId, moved, { queue: true });
    }

    if (changed) snap = await this.store.routing.snapshot(accountId);
    const connected = await this.presence.connected(accountId);
    const agents = snap.agents.map((a) => ({ ...a, connected: connected.has(a.id) }));
    const here = snap.queue.length > 0 ? await this.visitorsHere.members(accountId) : new Set<string>();
    // A customer on an asynchronous channel is never "here": their conversation is offered anyway.
    const queue = snap.queue
      .filter((q) => !closed(q.skillId))
      .map((q) => ({ ...q, visitorAway: isLive(q.channel) && !here.has(q.id) }));
    const offers = [...snap.offers];
    const stillQueued = new Set(snap.queue.map((q) => q.id));
    for (const planned of planOffers(queue, agents, now, this.declineCooldownMs)) {
      const c = await this.store.assignment.offer(accountId, planned.conversationId, planned.agentId, now);
      if (!c?.skillId) continue;
      stillQueued.delete(c.id);
      const skill = snap.skills.get(c.skillId);
      const expiresAt = new Date(skill ? offerDeadline(now, skill) : now).toISOString();
      offers.push({ conversationId: c.id, skillId: c.skillId, agentId: planned.agentId, offeredAt: now });
      this.announcer.events.toAgent(planned.agentId, { t: 'offer.created', conversation: c, expiresAt });
      await this.announcer.updated(accountId, c, { queue: true });
    }
    const waiting = snap.queue.filter((q) => stillQueued.has(q.id) && !closed(q.skillId));
    const deadline = nextRoutingDeadline(
      waiting.filter((q) => isLive(q.channel)),
      offers,
      snap.skills,
    );
    const cooled = nextCooldownEnd(waiting, now, this.declineCooldownMs);
    const opens = openingOf(snap.queue, snap.skills, now);
    const next = [deadline, cooled, opens].filter((t): t is number => t !== undefined);
    this.armDeadline(accountId, next.length > 0 ? Math.min(...next) : undefined);
  }

  /** Wakes the account's router at its next offer expiry or maximum wait. */
  private armDeadline(accountId: string, at: number | undefined): void {
    clearTimeout(this.deadlines.get(accountId));
    this.deadlines.delete(accountId);
    if (at === undefined || this.stopped) return;
    const timer = setTimeout(
      () => {
        this.deadlines.delete(accountId);
        this.schedule(accountId);
      },
      // A timer waits at most ~24 days; a later opening is looked at again by then.
      Math.min(2 ** 31 - 1, Math.max(0, at - this.clock()) + 5),
    );
    timer.unref();
    this.deadlines.set(accountId, timer);
  }
}

/** True when the skill has business hours and `now` is outside them. */
function isClosed(skill: SkillRules | undefined, now: number): boolean {
  return !!skill?.hours && !isOpen(skill.hours, now);
}

/** The earliest opening of a closed skill with conversations held in its queue. */
function openingOf(
  queue: ReadonlyArray<{ skillId: string }>,
  skills: ReadonlyMap<string, SkillRules>,
  now: number,
): number | undefined {
  let at: number | undefined;
  for (const skillId of new Set(queue.map((q) => q.skillId))) {
    const skill = skills.get(skillId);
    if (!skill?.hours || !isClosed(skill, now)) continue;
    const opens = nextOpening(skill.hours, now);
    if (opens !== null && (at === undefined || opens < at)) at = opens;
  }
  return at;
}

/** Whether a channel's conversations are live chats, whose customer must be present to be served. */
export const isLive = (channel: string): boolean => channel === 'web';
