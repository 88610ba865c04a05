import type { ConversationStatusColumn, ConversationsTable } from './schema.ts';

/** What the message writer needs of a conversation to accept a line into it. */
export interface ConversationState {
  account_id: string;
  /** Where its customer writes from: lines for any channel but web chat go through the outbox. */
  channel: ConversationsTable['channel'];
  status: ConversationStatusColumn;
  assigned_agent_id: string | null;
  /** A supervisor who barged in: they may write agent lines too. */
  joined_agent_id: string | null;
  first_response_at: number | null;
  /** The last sequence number stored in it. */
  last_seq: number;
}

/**
 * The states of the conversations a SQLite store's message writer wrote to lately, kept between its
 * commits. Valid while the store's count of conversation changes (`conversation_changes`, kept by
 * triggers for every connection) stays where it was when they were read: any update or delete of
 * any conversation row drops them all. A new row is not counted (migration 0100): it has an id the
 * writer never found, so no state kept here is its. Sequence numbers move only through the writer
 * itself, which updates them here inside its transaction (so the next transaction, SQLite's next
 * writer, sees them), or together with a conversation's row (an invitation's first line, written
 * as the conversation is created). A failed transaction drops them all.
 */
export class ConversationStates {
  private readonly states = new Map<string, ConversationState>();
  /** The change count these states were read at; -1: none kept. */
  private count = -1;

  /** Keeps the states only when the store's change count is still `count`. */
  sync(count: number): void {
    if (count === this.count) return;
    this.states.clear();
    this.count = count;
  }

  get(id: string): ConversationState | undefined {
    return this.states.get(id);
  }

  set(id: string, state: ConversationState): void {
    this.states.set(id, state);
  }

  /** The writer changed conversation rows itself and read the count after: the states stay valid. */
  movedTo(count: number): void {
    this.count = count;
  }

  /** Drops everything (a transaction failed: what it wrote here may not be in the store). */
  forget(): void {
    this.states.clear();
    this.count = -1;
  }
}
