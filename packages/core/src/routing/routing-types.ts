import type { BusinessHours } from '../hours/business-hours.ts';

/** What the routing policy needs to know about a conversation waiting in a skill's queue. */
export interface QueuedConversation {
  id: string;
  skillId: string;
  /** Campaign priority (higher first). */
  priority: number;
  /** Visitor value such as the cart total (higher first). */
  value: number;
  /** Purchase-propensity score; reserved, ordered after value when present. */
  score: number | null;
  /** When the visitor started waiting (epoch ms): the longest waiting goes first among equals. */
  enqueuedAt: number;
  /** When it entered its current skill's queue (epoch ms): the maximum wait counts from here. */
  skillEnteredAt: number;
  /** How many times it already overflowed to another skill. */
  overflowCount: number;
  /**
   * Agents who declined it, let its offer expire or transferred it away, oldest pass first: it is
   * offered to them again only when no other agent can take it.
   */
  passedAgentIds: readonly string[];
  /**
   * Agents who declined it explicitly, and when: it is kept from each for the decline cool-down,
   * then they count among those who passed.
   */
  declines?: readonly Decline[];
  /**
   * What it counts against an agent's capacity, in live chats (its channel's weight: an e-mail
   * thread 0.25 by default); 1 when absent.
   */
  weight?: number;
  /** Offered to this agent first whenever they can take it (the agent who invited the visitor). */
  preferredAgentId?: string | null;
  /**
   * No visitor socket or request has kept the conversation alive lately (a closed tab, a lost
   * connection): it keeps its place but is not offered until the visitor is back.
   */
  visitorAway?: boolean;
}

/** An agent's explicit decline of a conversation (epoch ms). */
export interface Decline {
  agentId: string;
  at: number;
}

export type AgentStatus = 'online' | 'away' | 'offline';

/** What the routing policy needs to know about an agent right now. */
export interface AgentSnapshot {
  id: string;
  status: AgentStatus;
  /** Holds at least one live console connection (an offer can reach them). */
  connected: boolean;
  skillIds: readonly string[];
  /** How many live chats they take at once. */
  capacity: number;
  /**
   * Active chats plus pending offers, each weighed by its channel: an agent whose load is under
   * their capacity by any amount can take one more.
   */
  load: number;
  /** When they last received a chat (epoch ms); null when never: idle longest. */
  lastAssignedAt: number | null;
}

/** A skill's routing settings. */
export interface SkillRules {
  id: string;
  maxWaitSeconds: number;
  offerTimeoutSeconds: number;
  transferSkillIds: readonly string[];
  /** When its agents work; null or absent: always open. Outside them its queue holds. */
  hours?: BusinessHours | null;
}

/** A pending offer of a conversation to one agent. */
export interface PendingOffer {
  conversationId: string;
  skillId: string;
  agentId: string;
  offeredAt: number;
}

/** One planned offer: this conversation to this agent. */
export interface PlannedOffer {
  conversationId: string;
  agentId: string;
}
