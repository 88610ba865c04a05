import { isOpen, nextOpening } from '@beckon/core/hours/business-hours';
import { skillCapacity } from '@beckon/core/routing/index';
import type { PageCallbackInput } from '@beckon/protocol/call-protocol';
import type { ChatTopic } from '@beckon/protocol/canned-responses';
import type {
  ChatAvailability,
  Conversation,
  ConversationStart,
  CsatInput,
  OfflineMessageInput,
  VisitorConversation,
} from '@beckon/protocol/chat-api';
import { contactOfVisit, settleVisit } from '../contacts/contact-identity.ts';
import { badRequest, forbidden } from '../errors.ts';
import { untilSettled } from '../store/assignment-repo.ts';
import { toCoreHours } from '../store/skills-repo.ts';
import type { Store } from '../store/store.ts';
import { ABANDONED_LINE } from './abandoned-chats.ts';
import type { AgentPresence } from './agent-presence.ts';
import type { ChatAnnouncer } from './chat-announcer.ts';
import type { StartLimiter } from './chat-limits.ts';
import type { OriginContext, OriginResolver } from './origin-context.ts';
import type { PresenceSet } from './presence-set.ts';
import { conversationForToken } from './visitor-access.ts';
import { newVisitorToken } from './visitor-token.ts';

/** The site a visitor is on (resolved from its public key). */
export interface VisitorSite {
  id: string;
  accountId: string;
  /** The site's visitor addresses are cut to their network where they enter. */
  anonymizeIp?: boolean;
}

/** Replaces the one character the stores cannot hold (NUL) in user-supplied text. */
export const cleanText = (text: string): string =>
  text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;

/** Conversations from the visitor's side: starting one, leaving an offline message, availability, ending, CSAT. */
export class VisitorChatService {
  constructor(
    private readonly store: Store,
    private readonly announcer: ChatAnnouncer,
    private readonly presence: AgentPresence,
    private readonly route: (accountId: string) => void,
    public originResolver: OriginResolver,
    private readonly starts: StartLimiter,
    /** Conversations whose visitor is here (a socket, or a request lately): routing skips the others. */
    readonly here: PresenceSet,
    /** The account's masking (`MessageMasker`), for what the visitor writes beside their lines. */
    private readonly mask: (accountId: string, text: string) => Promise<string> = async (_, t) => t,
  ) {}

  /** A topic or comment the visitor wrote, as it may be stored: clean and masked. */
  private async written(accountId: string, text: string | undefined): Promise<string | null> {
    return text ? this.mask(accountId, cleanText(text)) : null;
  }

  /** The time business hours are read at (tests move it). */
  clock: () => number = Date.now;

  /** Told after a visitor ends a conversation (assist writes its summary). */
  private readonly endedListeners = new Set<(accountId: string, conversation: Conversation) => void>();

  /** Calls `fn` after each conversation a visitor ends; returns the unsubscribe. */
  onEnded(fn: (accountId: string, conversation: Conversation) => void): () => void {
    this.endedListeners.add(fn);
    return () => this.endedListeners.delete(fn);
  }

  /**
   * The bot a skill offers its new conversations to first, or null (set by the bots feature). A
   * conversation a bot takes is answered by it whether or not people are online.
   */
  botFirst: (accountId: string, skillId: string | null) => Promise<string | null> = async () => null;

  /**
   * A visitor socket opened the conversation: it counts as here while the socket lasts (and for
   * the presence TTL after, so a page change costs nothing). A visitor back to a waiting chat is
   * routed at once rather than at the next sweep.
   */
  async attach(accountId: string, c: Conversation): Promise<void> {
    await this.here.hold(accountId, c.id);
    if (c.status === 'queued') this.route(accountId);
    await this.customerBack(accountId, c);
  }

  /**
   * The customer came back to a conversation that was pending (waiting on them) or snoozed: it is
   * open again, and its agent sees so. Nothing is written when it was open already.
   */
  async customerBack(accountId: string, c: Pick<Conversation, 'id' | 'state'>): Promise<void> {
    if (c.state !== 'pending' && c.state !== 'snoozed') return;
    const woken = await this.store.assignment.customerBack(accountId, c.id);
    if (woken) await this.announcer.updated(accountId, woken);
  }

  /** A request with the conversation's token (a client over REST): here for one presence TTL. */
  readonly seen = (accountId: string, conversationId: string): Promise<void> =>
    this.here.touch(accountId, conversationId);

  /** The socket closed: the conversation stays here until the presence TTL runs out. */
  detach(accountId: string, conversationId: string): void {
    void this.here.release(accountId, conversationId);
  }

  /** The skill a conversation goes to: an explicit one, a topic naming a skill, the origin's, else the account's first. */
  async chooseSkill(accountId: string, wanted: { skillId?: string; topic?: string; origin?: string }) {
    const skills = await this.store.skills.list(accountId);
    if (wanted.skillId) {
      if (!skills.some((s) => s.id === wanted.skillId)) throw badRequest('unknown skill id', 'unknown_skill');
      return wanted.skillId;
    }
    const topic = wanted.topic?.trim().toLowerCase();
    const byTopic = topic ? skills.find((s) => s.name.toLowerCase() === topic) : undefined;
    if (byTopic) return byTopic.id;
    if (wanted.origin && skills.some((s) => s.id === wanted.origin)) return wanted.origin;
    return skills[0]?.id ?? null;
  }

  /** The account's agents with whether each holds a live console connection (for capacity). */
  private async agentsNow(accountId: string) {
    const [agents, connected] = await Promise.all([
      this.store.routing.agents(accountId),
      this.presence.connected(accountId),
    ]);
    return agents.map((a) => ({ ...a, connected: connected.has(a.id) }));
  }

  /** Whether a skill (or the account's default one) can take a chat now. */
  async availability(
    accountId: string,
    wanted: { skillId?: string; topic?: string } = {},
  ): Promise<ChatAvailability> {
    const skillId = await this.chooseSkill(accountId, wanted);
    const [agents, waiting] = await Promise.all([
      this.agentsNow(accountId),
      this.store.conversations.waiting(accountId),
    ]);
    const cap = skillId ? skillCapacity(skillId, agents) : { agents: 0, freeSlots: 0 };
    const opensAt = skillId ? await this.closedUntil(accountId, skillId) : undefined;
    // A skill whose bot answers first can always take a chat: the bot answers, people later.
    const bot = (await this.botFirst(accountId, skillId)) !== null;
    return {
      skillId,
      available: bot || (cap.agents > 0 && opensAt === undefined),
      agentsOnline: cap.agents,
      freeSlots: cap.freeSlots,
      queueLength: waiting.filter((c) => c.skillId === skillId).length,
      ...(opensAt === undefined
        ? {}
        : { opensAt: opensAt === null ? null : new Date(opensAt).toISOString() }),
    };
  }

  /** The account's skills as topics of the pre-chat form, each with whether it can take a chat now (as `availability`). */
  async topics(accountId: string): Promise<ChatTopic[]> {
    const [skills, agents] = await Promise.all([
      this.store.skills.list(accountId),
      this.agentsNow(accountId),
    ]);
    const now = this.clock();
    return skills.map((s) => {
      const hours = toCoreHours(s.hours);
      return {
        name: s.name,
        skillId: s.id,
        available: skillCapacity(s.id, agents).agents > 0 && (!hours || isOpen(hours, now)),
      };
    });
  }

  /**
   * Starts a conversation from an invitation, a chat button or the visitor's own click. It waits in
   * its skill's queue; when no agent of that skill is online at all it goes straight to the
   * offline flow. Returns the visitor's token (shown once; only its hash is stored).
   */
  async start(
    site: VisitorSite,
    input: ConversationStart,
    address: string,
  ): Promise<{ conversation: Conversation; token: string; view: VisitorConversation }> {
    const accountId = site.accountId;
    const origin = await this.admitted(site, input, address);
    const skillId = await this.chooseSkill(accountId, {
      skillId: input.skillId,
      topic: input.topic,
      origin: origin?.skillId,
    });
    const botId = await this.botFirst(accountId, skillId);
    // Outside business hours the chat turns into the offline flow, like a skill with no one online.
    const available =
      botId !== null ||
      (skillId
        ? (await this.closedUntil(accountId, skillId)) === undefined &&
          (await this.anyoneOnline(accountId, skillId))
        : false);
    // The signed-in user's chat is theirs; else a pre-chat e-mail names an unverified contact.
    const contact = await contactOfVisit(this.store, site, input);
    const { token, hash } = newVisitorToken();
    let conversation = await this.store.conversations.create({
      accountId,
      siteId: site.id,
      visitorId: input.visitorId ?? null,
      source: input.source ?? (input.exposureId ? 'invitation' : 'visitor'),
      originExposureId: input.exposureId ?? null,
      skillId,
      status: available ? 'queued' : 'offline',
      priority: origin?.priority ?? 0,
      value: origin?.value ?? 0,
      score: origin?.score ?? null,
      preferredAgentId: origin?.preferredAgentId ?? null,
      visitorName: input.name ? cleanText(input.name) : null,
      visitorEmail: input.email ? cleanText(input.email) : null,
      topic: await this.written(accountId, input.topic),
      contactId: contact?.id ?? null,
      tokenHash: hash,
      botId,
      language: input.language ?? null,
      // What the visitor accepted opens the conversation, so every side reads it as they did.
      ...(origin?.invitation ? { invitation: origin.invitation } : {}),
    });
    await settleVisit(this.store, site, input.visitorId, contact);
    if (input.text) {
      await this.announcer.line(accountId, conversation.id, cleanText(input.text), { kind: 'visitor' });
    }
    if (!available) {
      await this.announcer.visitorLine(accountId, conversation.id, 'offline');
    }
    conversation = await this.store.conversations.get(accountId, conversation.id);
    // Here from the start: a client over REST keeps it so with its requests, a socket while open.
    await this.seen(accountId, conversation.id);
    await this.announcer.updated(accountId, conversation, { queue: available });
    if (available) this.route(accountId);
    return { conversation, token, view: await this.view(accountId, conversation) };
  }

  /**
   * The offline form: name, e-mail and message become a conversation an agent answers later in the
   * console (outbound e-mail is not part of this release: the answer waits in the conversation,
   * which the returned token reopens when the visitor comes back).
   */
  async offlineMessage(
    site: VisitorSite,
    input: OfflineMessageInput,
    address: string,
    chatToken?: string,
  ): Promise<{ conversation: Conversation; token: string }> {
    this.starts.admit(site.id, input.visitorId, address);
    if (chatToken !== undefined) return this.completeOffline(site, input, chatToken);
    const { token, hash } = newVisitorToken();
    const skillId = await this.chooseSkill(site.accountId, { skillId: input.skillId, topic: input.topic });
    const contact = await contactOfVisit(this.store, site, input);
    const conversation = await this.store.conversations.create({
      accountId: site.accountId,
      siteId: site.id,
      visitorId: input.visitorId ?? null,
      source: 'offline_form',
      skillId,
      status: 'offline',
      visitorName: cleanText(input.name),
      visitorEmail: cleanText(input.email),
      topic: await this.written(site.accountId, input.topic),
      contactId: contact?.id ?? null,
      tokenHash: hash,
    });
    await settleVisit(this.store, site, input.visitorId, contact);
    await this.announcer.line(site.accountId, conversation.id, cleanText(input.message), { kind: 'visitor' });
    const stored = await this.store.conversations.get(site.accountId, conversation.id);
    await this.announcer.updated(site.accountId, stored);
    return { conversation: stored, token };
  }

  /** Counts a start against the site's and visitor's limits, then finds what the visitor clicked. */
  private async admitted(
    site: VisitorSite,
    input: { visitorId?: string; exposureId?: string },
    address: string,
  ): Promise<OriginContext | undefined> {
    this.starts.admit(site.id, input.visitorId, address);
    return this.originResolver({
      accountId: site.accountId,
      siteId: site.id,
      visitorId: input.visitorId ?? null,
      exposureId: input.exposureId ?? null,
    }).catch(() => undefined);
  }

  /**
   * A "Call me back" from the page with no chat before it: a closed voice conversation keeps the
   * request in the visitor's history, tied to the exposure they clicked (attribution), for the
   * callback to be scheduled on.
   */
  async pageCallback(site: VisitorSite, input: PageCallbackInput, address: string): Promise<Conversation> {
    const accountId = site.accountId;
    const origin = await this.admitted(site, input, address);
    const skillId = await this.chooseSkill(accountId, { skillId: input.skillId, origin: origin?.skillId });
    const topic = input.topic?.trim();
    const contact = await contactOfVisit(this.store, site, { visitorId: input.visitorId });
    const conversation = await this.store.conversations.create({
      accountId,
      siteId: site.id,
      visitorId: input.visitorId ?? null,
      channel: 'voice',
      source: input.exposureId ? 'button' : 'visitor',
      originExposureId: input.exposureId ?? null,
      skillId,
      status: 'closed',
      closedBy: 'visitor',
      priority: origin?.priority ?? 0,
      visitorName: input.name?.trim() ? cleanText(input.name.trim()) : null,
      topic: topic ? ((await this.written(accountId, `Callback: ${topic}`)) ?? 'Callback') : 'Callback',
      contactId: contact?.id ?? null,
      tokenHash: newVisitorToken().hash,
    });
    await settleVisit(this.store, site, input.visitorId, contact);
    return conversation;
  }

  /**
   * The offline form for a chat that turned offline (no one free at the start, or past the skill's
   * maximum wait): the details and message join that conversation, so agents see one, not two.
   */
  private async completeOffline(
    site: VisitorSite,
    input: OfflineMessageInput,
    chatToken: string,
  ): Promise<{ conversation: Conversation; token: string }> {
    const { accountId, conversation } = await conversationForToken(this.store, chatToken);
    if (accountId !== site.accountId || conversation.siteId !== site.id) {
      throw forbidden('the conversation token belongs to another site');
    }
    await this.store.conversations.setOfflineContact(accountId, conversation.id, {
      name: cleanText(input.name),
      email: cleanText(input.email),
      topic: await this.written(accountId, input.topic),
    });
    // A chat the site already tied to a contact keeps it; otherwise the form's e-mail names one.
    if (!conversation.contactId) {
      const contact = await contactOfVisit(this.store, site, {
        ...input,
        visitorId: input.visitorId ?? conversation.visitorId,
      });
      if (contact) await this.store.conversations.setContact(accountId, conversation.id, contact.id);
    }
    // The form comes filled with what the visitor already wrote; that is not said twice (the line
    // was stored masked, so the form's text is compared masked).
    const message = (await this.written(accountId, input.message)) ?? '';
    const said = await this.store.messages.after(accountId, conversation.id, 0, { limit: 50 });
    if (!said.some((m) => m.senderKind === 'visitor' && m.text === message)) {
      await this.announcer.line(accountId, conversation.id, message, { kind: 'visitor' });
    }
    const stored = await this.store.conversations.get(accountId, conversation.id);
    await this.announcer.updated(accountId, stored);
    return { conversation: stored, token: chatToken };
  }

  /** What the visitor may see of their conversation: status, the agent's name, their place in the queue. */
  async view(accountId: string, c: Conversation, agentName?: string | null): Promise<VisitorConversation> {
    return visitorView(
      c,
      agentName !== undefined ? agentName : await this.announcer.agentName(accountId, c.assignedAgentId),
      await this.store.conversations.queuePosition(accountId, c),
    );
  }

  /** True when at least one agent with the skill is online and connected. */
  /** Undefined while the skill is open (or has no hours); else when it next opens (null: never). */
  private async closedUntil(accountId: string, skillId: string): Promise<number | null | undefined> {
    const skill = await this.store.skills.get(accountId, skillId).catch(() => undefined);
    const hours = toCoreHours(skill?.hours ?? null);
    const now = this.clock();
    if (!hours || isOpen(hours, now)) return undefined;
    return nextOpening(hours, now);
  }

  private async anyoneOnline(accountId: string, skillId: string): Promise<boolean> {
    const ids = await this.store.routing.onlineWithSkill(accountId, skillId);
    if (ids.length === 0) return false;
    const connected = await this.presence.connected(accountId);
    return ids.some((id) => connected.has(id));
  }

  /** The visitor ends the chat (or left long ago: `line` says which in the transcript). */
  async end(
    accountId: string,
    conversationId: string,
    line = 'The visitor ended the chat.',
  ): Promise<Conversation> {
    // The router may offer the chat, or an offer end, as the visitor leaves: the chat ends all the same.
    const changed = await untilSettled(() =>
      this.store.assignment.close(accountId, conversationId, 'visitor'),
    );
    if (!changed.alreadyClosed) {
      await this.announcer.line(accountId, conversationId, line);
      if (changed.previousOfferedTo) {
        this.announcer.events.toAgent(changed.previousOfferedTo, {
          t: 'offer.revoked',
          conversationId,
          reason: 'taken',
        });
      }
      const fresh = await this.store.conversations.get(accountId, conversationId);
      await this.announcer.updated(accountId, fresh, { queue: true });
      this.route(accountId);
      for (const fn of this.endedListeners) fn(accountId, fresh);
      return fresh;
    }
    return changed.conversation;
  }

  /**
   * The visitor left the site long ago with the chat in progress. When the customer can be reached
   * later (a verified identity, or an e-mail that did not opt out), the conversation stays open,
   * pending on them, for the agent to answer when they like; otherwise it ends as before.
   */
  async leftSite(accountId: string, conversationId: string): Promise<Conversation> {
    const c = await this.store.conversations.get(accountId, conversationId);
    const contact = c.contactId ? await this.store.contacts.find(accountId, c.contactId) : undefined;
    const reachable = contact && (contact.verified || (contact.email && !contact.emailOptOut));
    if (!reachable) return this.end(accountId, conversationId, ABANDONED_LINE);
    const pending = await untilSettled(() =>
      this.store.assignment.setWaiting(accountId, conversationId, 'system', { pending: true }),
    );
    await this.announcer.line(accountId, conversationId, LEFT_PENDING_LINE);
    await this.announcer.updated(accountId, pending);
    return pending;
  }

  /** Records the satisfaction survey (1–5 and a comment) once the chat has ended. */
  async csat(accountId: string, conversationId: string, input: CsatInput): Promise<Conversation> {
    const c = await this.store.conversations.setCsat(
      accountId,
      conversationId,
      input.score,
      await this.written(accountId, input.comment),
    );
    await this.announcer.updated(accountId, c);
    return c;
  }
}

/** The visitor's shape of a conversation: never an agent id, a note or another visitor's data. */
export function visitorView(
  c: Conversation,
  agentName: string | null,
  queuePosition: number | null,
): VisitorConversation {
  const waiting = c.status === 'queued' || c.status === 'offered';
  return {
    id: c.id,
    status: c.status,
    agentName,
    skillId: c.skillId,
    queuePosition: waiting ? queuePosition : null,
    lastSeq: c.lastSeq,
    visitorReadSeq: c.visitorReadSeq,
    agentReadSeq: c.agentReadSeq,
    csatScore: c.csatScore,
  };
}

/** What the transcript says when a reachable customer left with the chat in progress. */
export const LEFT_PENDING_LINE = 'The visitor left the site; the conversation stays open for a later reply.';
