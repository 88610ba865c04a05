import type { AgentStatus } from '@beckon/protocol/api';
import type {
  ConversationSummary,
  MessageTranslation,
  ModelState,
  Suggestion,
} from '@beckon/protocol/assist-api';
import type { CallView } from '@beckon/protocol/call-protocol';
import type { Conversation, DeliveryStatus, Message } from '@beckon/protocol/chat-api';
import type { Mention } from '@beckon/protocol/mentions-api';
import type { SlaBreachView } from '@beckon/protocol/sla-api';
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';

/** What happens in one conversation; whichever node holds a participant's socket delivers it. */
export type ConversationEvent =
  | { t: 'message.created'; message: Message; origin?: string }
  | {
      t: 'typing';
      from: 'visitor' | 'agent';
      name?: string;
      typing: boolean;
      note?: boolean;
      agentId?: string;
      origin?: string;
    }
  /** Someone started or stopped looking at the conversation (`ConversationViewers`). */
  | { t: 'viewers.changed' }
  /** Its scheduled replies or note reminders changed (send later): the consoles that show it read them again. */
  | { t: 'scheduled.changed' }
  | { t: 'read'; by: 'visitor' | 'agent'; seq: number; origin?: string }
  /** An agent's line on another channel than web chat moved on its way (sent, delivered, read, failed). */
  | { t: 'message.delivery'; seq: number; status: DeliveryStatus; reason: string | null }
  | { t: 'conversation.updated'; conversation: Conversation; agentName: string | null }
  | CallEvent;

/**
 * A call changed, or one side sent signalling or its mute state to the other. Published to the
 * conversation (the visitor's socket) and to the agents concerned (their consoles).
 */
export type CallEvent =
  | { t: 'call.updated'; call: CallView; conversation?: Conversation }
  | {
      t: 'call.signal';
      callId: string;
      leg: number;
      from: 'visitor' | 'agent';
      description?: { type: 'offer' | 'answer'; sdp: string };
      candidate?: {
        candidate: string;
        sdpMid?: string | null;
        sdpMLineIndex?: number | null;
        usernameFragment?: string | null;
      };
    }
  | { t: 'call.media'; callId: string; from: 'visitor' | 'agent'; muted: boolean };

/** What concerns one agent wherever their console is connected. */
export type AgentEvent =
  | { t: 'offer.created'; conversation: Conversation; expiresAt: string }
  | { t: 'offer.revoked'; conversationId: string; reason: 'declined' | 'timeout' | 'taken' }
  | { t: 'conversation.assigned'; conversation: Conversation }
  | {
      t: 'conversation.unassigned';
      conversationId: string;
      /** `consult_ended`: a warm transfer the agent was consulted on ended without making the chat theirs. */
      reason: 'transferred' | 'reassigned' | 'consult_ended';
    }
  | {
      t: 'agent.status_changed';
      status: AgentStatus;
      reason?: string;
      missedOffers?: number;
      awayReason?: string;
    }
  /** A colleague's internal note named this agent. */
  | { t: 'mention.created'; mention: Mention }
  | CallEvent
  | AssistEvent;

/** Assist for the agent holding a conversation: suggestions for a customer's line, the model's as it streams. */
export type AssistEvent =
  | {
      t: 'assist.suggestions';
      conversationId: string;
      seq: number;
      items: Suggestion[];
      model: ModelState;
    }
  | {
      t: 'assist.stream';
      conversationId: string;
      seq: number;
      text: string;
      state: ModelState;
      articleIds?: string[];
    }
  | { t: 'assist.summary'; conversationId: string; summary: ConversationSummary }
  | {
      t: 'assist.translation';
      conversationId: string;
      seq: number;
      translation: MessageTranslation;
      customerLanguage: string | null;
    };

/** What concerns a whole account: queues changed, and every conversation change (supervisors' live view). */
export type AccountEvent =
  | { t: 'queue.changed' }
  | { t: 'conversation.updated'; conversation: Conversation }
  | { t: 'sla.breached'; breach: SlaBreachView };

/** Bus topic names of the chat, in one place. */
export const chatTopics = {
  conversation: (id: string) => `chat.conv.${id}`,
  agent: (userId: string) => `chat.agent.${userId}`,
  account: (accountId: string) => `chat.acct.${accountId}`,
  /** Presence set of agents with a live console connection in an account. */
  presence: (accountId: string) => `chat.agents.${accountId}`,
  /** Presence set of conversations whose visitor is here (a socket, or a request lately). */
  visitors: (accountId: string) => `chat.visitors.${accountId}`,
  routeLock: (accountId: string) => `chat.route.${accountId}`,
} as const;

/** Typed publish/subscribe of chat events over the bus; a failed publish is logged, never thrown at the caller. */
export class ChatEvents {
  constructor(
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {}

  private publish(topic: string, event: unknown): void {
    this.bus.publish(topic, event).catch((err) => {
      // While the bus is down (it logs that itself), sockets catch up from the store when it is back.
      if (this.bus.health().ok) this.log.warn({ err, topic }, 'chat event not published');
      else this.log.debug({ err, topic }, 'chat event not published: bus down');
    });
  }

  toConversation(id: string, event: ConversationEvent): void {
    this.publish(chatTopics.conversation(id), event);
  }

  toAgent(userId: string, event: AgentEvent): void {
    this.publish(chatTopics.agent(userId), event);
  }

  toAccount(accountId: string, event: AccountEvent): void {
    this.publish(chatTopics.account(accountId), event);
  }

  onConversation(id: string, fn: (e: ConversationEvent) => void): Promise<() => Promise<void>> {
    return this.bus.subscribe(chatTopics.conversation(id), (m) => fn(m as ConversationEvent));
  }

  onAgent(userId: string, fn: (e: AgentEvent) => void): Promise<() => Promise<void>> {
    return this.bus.subscribe(chatTopics.agent(userId), (m) => fn(m as AgentEvent));
  }

  onAccount(accountId: string, fn: (e: AccountEvent) => void): Promise<() => Promise<void>> {
    return this.bus.subscribe(chatTopics.account(accountId), (m) => fn(m as AccountEvent));
  }
}
