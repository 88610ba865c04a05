import { type ConversationSummary, SUMMARY_CHARS } from '@beckon/protocol/assist-api';
import type { Conversation, Message } from '@beckon/protocol/chat-api';
import type { ChatEvents } from '../conversations/chat-events.ts';
import type { Egress } from '../egress/egress.ts';
import type { Logger } from '../logger.ts';
import type { MessageMasker } from '../privacy/message-masker.ts';
import { modelFor } from '../store/assist-repo.ts';
import type { Store } from '../store/store.ts';
import type { AssistMetrics } from './assist-metrics.ts';
import { type ChatMessage, streamCompletion } from './model-client.ts';
import { modelMasking } from './model-masking.ts';
import type { SuggestionWriter } from './suggestion-writer.ts';

/** The lines a summary is made from (the latest). */
const LINES = 200;
/** The most of one extracted line (characters). */
const LINE_CHARS = 200;

const INSTRUCTIONS =
  'Summarise this support conversation for the next agent in at most 4 short sentences: what the ' +
  'customer wants, what was done or promised, and what is still open. Write only the summary, in English.';

/** A line's words as a summary quotes it: one line, cut at a word. */
function quote(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  if (one.length <= LINE_CHARS) return one;
  const cut = one.slice(0, LINE_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), LINE_CHARS / 2))}…`;
}

/** Whether a line carries a fact worth keeping: a number (an order, an amount, a date) or a question. */
const telling = (text: string) => /\d|\?/.test(text);

/**
 * The key lines of a conversation, without a model: the customer's first line (what they came
 * for), their lines with a number or a question, the agent's last reply, and the customer's last
 * line; each at most once, in the order they were said, at most six.
 */
export function extractSummary(lines: readonly Message[]): string {
  const said = lines.filter((m) => (m.senderKind === 'visitor' || m.senderKind === 'agent') && m.text.trim());
  const customer = said.filter((m) => m.senderKind === 'visitor');
  const agent = said.filter((m) => m.senderKind === 'agent');
  const keep = new Set<Message>();
  if (customer[0]) keep.add(customer[0]);
  for (const m of customer.slice(1)) if (keep.size < 4 && telling(m.text)) keep.add(m);
  const lastAgent = agent.at(-1);
  if (lastAgent) keep.add(lastAgent);
  const lastCustomer = customer.at(-1);
  if (lastCustomer) keep.add(lastCustomer);
  const picked = said.filter((m) => keep.has(m)).slice(-6);
  if (picked.length === 0) return 'No lines from the customer or an agent yet.';
  return picked
    .map((m) => `${m.senderKind === 'visitor' ? 'Customer' : 'Agent'}: ${quote(m.text)}`)
    .join('\n');
}

export interface SummaryDeps {
  store: Store;
  egress: Egress;
  events: ChatEvents;
  masker: MessageMasker;
  suggestions: SuggestionWriter;
  metrics: AssistMetrics;
  log: Logger;
}

/**
 * Writes a conversation's summary on transfer and on close: the model's, when one is set and it
 * answers in time, else the key lines extracted. The agent who holds it next is told at once.
 */
export class SummaryWriter {
  constructor(private readonly d: SummaryDeps) {}

  /** A transfer or a close: writes the summary beside it, never in its way. */
  onHandover(accountId: string, conversation: Conversation): void {
    this.write(accountId, conversation).catch((err: unknown) =>
      this.d.log.warn({ err, conversationId: conversation.id }, 'summary not written'),
    );
  }

  /** Writes the summary now (when assist is on), and tells the agent who holds the conversation. */
  async write(accountId: string, conversation: Conversation): Promise<ConversationSummary | undefined> {
    const plan = await this.d.suggestions.plan(accountId);
    if (!plan.enabled) return undefined;
    const from = Math.max(0, conversation.lastSeq - LINES);
    const lines = await this.d.store.messages.after(accountId, conversation.id, from, {
      visitorView: true,
      limit: LINES,
    });
    let text: string | undefined;
    const writer = modelFor(plan, 'summaries');
    if (writer) {
      const mask = await modelMasking(this.d.masker, accountId);
      const transcript = lines
        .filter((m) => (m.senderKind === 'visitor' || m.senderKind === 'agent') && m.text.trim())
        .map((m) => `${m.senderKind === 'visitor' ? 'Customer' : 'Agent'}: ${mask(m.text)}`)
        .join('\n');
      const messages: ChatMessage[] = [
        { role: 'system', content: INSTRUCTIONS },
        { role: 'user', content: transcript || '(no lines)' },
      ];
      const r = await streamCompletion(
        this.d.egress,
        writer,
        messages,
        { purpose: 'summary', maxChars: SUMMARY_CHARS, maxTokens: 300 },
        this.d.metrics,
        this.d.log,
      );
      if (r.state === 'done') text = r.text;
    }
    const summary = await this.d.store.summaries.put(
      accountId,
      conversation.id,
      text ?? extractSummary(lines).slice(0, SUMMARY_CHARS),
      text ? 'model' : 'extract',
    );
    this.tell(accountId, conversation.id, summary);
    // A close's webhook was held back for this summary: it goes now, with it.
    if (conversation.status === 'closed')
      await this.d.store.webhooks.releaseResolved(accountId, conversation.id, summary);
    return summary;
  }

  /** An agent's edit of the summary. */
  async edit(
    accountId: string,
    conversationId: string,
    text: string,
    by: string | null,
  ): Promise<ConversationSummary> {
    const had = await this.d.store.summaries.get(accountId, conversationId);
    const summary = await this.d.store.summaries.put(
      accountId,
      conversationId,
      text.slice(0, SUMMARY_CHARS),
      had?.source ?? 'extract',
      by,
    );
    this.tell(accountId, conversationId, summary);
    return summary;
  }

  private tell(accountId: string, conversationId: string, summary: ConversationSummary): void {
    void this.d.store.conversations.find(accountId, conversationId).then(
      (c) => {
        if (c?.assignedAgentId)
          this.d.events.toAgent(c.assignedAgentId, { t: 'assist.summary', conversationId, summary });
      },
      () => {},
    );
  }
}
