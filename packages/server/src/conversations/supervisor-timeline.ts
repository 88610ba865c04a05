import { randomUUID } from 'node:crypto';
import { TIMELINE_ECHO_PREFIX } from '@beckon/protocol/chat-api';
import type { Store } from '../store/store.ts';
import type { ChatAnnouncer } from './chat-announcer.ts';

/** A supervisor as the timeline names them. */
export interface Supervisor {
  accountId: string;
  id: string;
  name: string;
}

/**
 * What supervisors did in a conversation, written into its timeline as internal notes (never sent
 * to the visitor) whose echo id starts with `timeline:`, so consoles show them as events, not as
 * someone's note. Barging in and leaving are the visitor's system lines instead: they see them.
 * A whisper is a note already, under the supervisor's name.
 */
export class SupervisorTimeline {
  constructor(
    private readonly store: Store,
    private readonly announcer: ChatAnnouncer,
  ) {}

  /** A supervisor started reading the chat live: written once per supervisor and conversation. */
  async monitoring(who: Supervisor, conversationId: string): Promise<void> {
    const echoId = `${TIMELINE_ECHO_PREFIX}monitor`;
    if (await this.store.messages.hasSender(who.accountId, conversationId, who.id, echoId)) return;
    await this.entry(who, conversationId, echoId, `${who.name} started monitoring the chat.`);
  }

  /** A supervisor reassigned the chat to themselves. */
  async tookOver(who: Supervisor, conversationId: string, fromName: string | null): Promise<void> {
    const from = fromName ? ` from ${fromName}` : '';
    await this.entry(
      who,
      conversationId,
      `${TIMELINE_ECHO_PREFIX}take-over:${randomUUID()}`,
      `${who.name} took over the chat${from}.`,
    );
  }

  private async entry(who: Supervisor, conversationId: string, echoId: string, text: string): Promise<void> {
    await this.announcer.writer.append({
      accountId: who.accountId,
      conversationId,
      sender: { kind: 'note', agentId: who.id, name: who.name, supervisor: true },
      echoId,
      text,
    });
  }
}
