import type { ModelState, Suggestion, SuggestionList } from '@beckon/protocol/assist-api';
import type { ArticleMatch } from '@beckon/protocol/bots-api';
import type { Message } from '@beckon/protocol/chat-api';
import type { KnowledgeIndex } from '../bots/knowledge-index.ts';
import type { ChatEvents } from '../conversations/chat-events.ts';
import type { Egress } from '../egress/egress.ts';
import type { Logger } from '../logger.ts';
import type { MessageMasker } from '../privacy/message-masker.ts';
import { type AssistModel, type AssistPlan, modelFor } from '../store/assist-repo.ts';
import type { Store } from '../store/store.ts';
import type { AssistMetrics } from './assist-metrics.ts';
import { type ChatMessage, streamCompletion } from './model-client.ts';
import { modelMasking } from './model-masking.ts';
import type { SuggestionSearch } from './suggestion-search.ts';

/** The lines of the conversation the model reads. */
const CONTEXT_LINES = 20;
/** The most of an article sent to the model (characters). */
const ARTICLE_CHARS = 2000;
/** The longest suggestion accepted from the model (characters). */
export const MODEL_SUGGESTION_CHARS = 1500;
/** Least time between two streamed frames of one suggestion (ms); the first goes at once. */
const STREAM_GAP_MS = 40;
/** How long a read of an account's settings is used (ms); a save on this node forgets it at once. */
const PLAN_TTL_MS = 2000;

const INSTRUCTIONS =
  "You help a support agent answer a customer. Write the agent's next reply to the customer: " +
  'brief (at most 4 sentences), friendly, in the language of the customer. Use the numbered ' +
  'articles when they help and cite them like [1]. Write only the reply.';

/** The model's latest suggestion for a conversation (this node's). */
interface Latest {
  seq: number;
  state: ModelState;
  text: string;
  articleIds?: string[];
}

export interface SuggestionDeps {
  store: Store;
  egress: Egress;
  events: ChatEvents;
  masker: MessageMasker;
  knowledge: KnowledgeIndex | undefined;
  search: SuggestionSearch;
  metrics: AssistMetrics;
  log: Logger;
}

/** A line's speaker as the model reads it. */
const roleOf = (m: Message): ChatMessage['role'] | null =>
  m.senderKind === 'visitor'
    ? 'user'
    : m.senderKind === 'agent' || m.senderKind === 'bot'
      ? 'assistant'
      : null;

/**
 * Suggestions beside a conversation, never in its path: on each customer line, the search
 * suggestions go to the agent's socket at once; with a model, one more is written from the
 * conversation and the articles found, masked before it leaves, and streamed to the same socket.
 * A model that is slow, down, endless or talks nonsense ends in a state the console shows.
 */
export class SuggestionWriter {
  private readonly latest = new Map<string, Latest>();
  private readonly plans = new Map<string, { at: number; plan: Promise<AssistPlan> }>();

  constructor(private readonly d: SuggestionDeps) {}

  /** The account's assist settings (read at most every two seconds). */
  plan(accountId: string): Promise<AssistPlan> {
    const had = this.plans.get(accountId);
    if (had && Date.now() - had.at < PLAN_TTL_MS) return had.plan;
    const plan = this.d.store.assist.plan(accountId);
    this.plans.set(accountId, { at: Date.now(), plan });
    plan.catch(() => this.plans.delete(accountId));
    return plan;
  }

  /** Forgets the settings read (they were saved). */
  forget(accountId: string): void {
    this.plans.delete(accountId);
  }

  /** A committed line: a customer's starts new suggestions for the agent who holds the chat. */
  onLine(accountId: string, message: Message): void {
    if (message.senderKind !== 'visitor' || !message.text.trim()) return;
    this.forLine(accountId, message).catch((err: unknown) =>
      this.d.log.warn({ err, conversationId: message.conversationId }, 'suggestions not made'),
    );
  }

  private async forLine(accountId: string, message: Message): Promise<void> {
    const plan = await this.plan(accountId);
    if (!plan.enabled) return;
    const conversation = await this.d.store.conversations.find(accountId, message.conversationId);
    const agentId = conversation?.assignedAgentId;
    if (!agentId || conversation.status === 'closed') return;
    const items = await this.d.search.find(accountId, message.text);
    const writer = modelFor(plan, 'suggestions');
    const model: ModelState = writer ? 'writing' : 'off';
    const { conversationId, seq } = message;
    this.d.events.toAgent(agentId, { t: 'assist.suggestions', conversationId, seq, items, model });
    for (const s of items) this.d.metrics.shown(s.source);
    if (writer) await this.write(accountId, agentId, message, writer);
  }

  /** The suggestions for a conversation's latest customer line (the REST view). */
  async list(accountId: string, conversationId: string): Promise<SuggestionList> {
    const plan = await this.plan(accountId);
    if (!plan.enabled) return { items: [], model: 'off' };
    const lines = await this.recent(accountId, conversationId);
    const last = lines.findLast((m) => m.senderKind === 'visitor' && m.text.trim());
    const writer = modelFor(plan, 'suggestions');
    if (!last) return { items: [], model: writer ? 'done' : 'off' };
    const items: Suggestion[] = await this.d.search.find(accountId, last.text);
    const { seq } = last;
    if (!writer) return { seq, items, model: 'off' };
    const latest = this.latest.get(conversationId);
    if (latest && latest.seq === seq) {
      if (latest.state === 'done')
        items.push({
          source: 'model',
          text: latest.text,
          ...(latest.articleIds ? { articleIds: latest.articleIds } : {}),
        });
      return { seq, items, model: latest.state };
    }
    return { seq, items, model: 'writing' };
  }

  private async recent(accountId: string, conversationId: string): Promise<Message[]> {
    const conversation = await this.d.store.conversations.get(accountId, conversationId);
    const from = Math.max(0, conversation.lastSeq - CONTEXT_LINES * 2);
    return this.d.store.messages.after(accountId, conversationId, from, {
      visitorView: true,
      limit: CONTEXT_LINES * 2,
    });
  }

  /** Writes the model's suggestion for `line`, streaming it to the agent as it comes. */
  private async write(accountId: string, agentId: string, line: Message, writer: AssistModel): Promise<void> {
    const { conversationId, seq } = line;
    const mark: Latest = { seq, state: 'writing', text: '' };
    this.latest.set(conversationId, mark);
    const current = () => this.latest.get(conversationId) === mark;
    const mask = await modelMasking(this.d.masker, accountId);
    const [lines, articles] = await Promise.all([
      this.recent(accountId, conversationId),
      this.d.knowledge?.search(accountId, line.text, 3) ?? Promise.resolve([] as ArticleMatch[]),
    ]);
    const messages = this.prompt(lines, articles, mask);
    const articleIds = articles.map((a) => a.article.id);
    let lastSent = 0;
    let timer: NodeJS.Timeout | undefined;
    const send = (text: string, state: ModelState) => {
      clearTimeout(timer);
      timer = undefined;
      lastSent = Date.now();
      if (!current()) return;
      this.d.events.toAgent(agentId, {
        t: 'assist.stream',
        conversationId,
        seq,
        text,
        state,
        ...(state === 'done' && articleIds.length ? { articleIds } : {}),
      });
    };
    const result = await streamCompletion(
      this.d.egress,
      writer,
      messages,
      {
        purpose: 'suggestion',
        maxChars: MODEL_SUGGESTION_CHARS,
        maxTokens: 400,
        onText: (text) => {
          mark.text = text;
          const wait = STREAM_GAP_MS - (Date.now() - lastSent);
          if (wait <= 0) send(text, 'writing');
          else timer ??= setTimeout(() => send(mark.text, 'writing'), wait);
        },
      },
      this.d.metrics,
      this.d.log,
    );
    clearTimeout(timer);
    if (result.state === 'done') {
      Object.assign(mark, { state: 'done', text: result.text, ...(articleIds.length ? { articleIds } : {}) });
      this.d.metrics.shown('model');
      send(result.text, 'done');
    } else {
      Object.assign(mark, { state: result.state, text: '' });
      send('', result.state);
    }
    // Only the latest few hundred conversations are remembered here.
    if (this.latest.size > 5000) this.latest.delete(this.latest.keys().next().value!);
  }

  private prompt(lines: Message[], articles: ArticleMatch[], mask: (t: string) => string): ChatMessage[] {
    const numbered = articles
      .map((m, i) => `[${i + 1}] ${mask(m.article.title)}\n${mask(m.article.body.slice(0, ARTICLE_CHARS))}`)
      .join('\n\n');
    const system = numbered ? `${INSTRUCTIONS}\n\nArticles:\n\n${numbered}` : INSTRUCTIONS;
    const turns: ChatMessage[] = [];
    for (const m of lines.slice(-CONTEXT_LINES)) {
      const role = roleOf(m);
      if (role && m.text.trim()) turns.push({ role, content: mask(m.text) });
    }
    return [{ role: 'system', content: system }, ...turns];
  }
}
