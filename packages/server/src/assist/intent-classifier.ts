import type { Conversation, Message } from '@beckon/protocol/chat-api';
import { type Classification, type IntentDef, SENTIMENTS, type Sentiment } from '@beckon/protocol/intent-api';
import type { Egress } from '../egress/egress.ts';
import type { Logger } from '../logger.ts';
import type { MessageMasker } from '../privacy/message-masker.ts';
import { modelFor } from '../store/assist-repo.ts';
import { causeOf } from '../store/automation-chain.ts';
import type { ClassificationInput } from '../store/classifications-repo.ts';
import type { Store } from '../store/store.ts';
import type { AssistMetrics } from './assist-metrics.ts';
import { intentByRules, sentimentByRules } from './intent-rules.ts';
import { streamCompletion } from './model-client.ts';
import { modelMasking } from './model-masking.ts';
import type { SuggestionWriter } from './suggestion-writer.ts';

/** Customer lines between two classifications while the chat goes on. */
export const CLASSIFY_EVERY = 3;
/** The lines the model reads (the latest). */
const CONTEXT_LINES = 20;
/** The customer's latest lines the rules read for the sentiment. */
const SENTIMENT_LINES = 3;
/** The longest answer accepted from the model (characters): one line of JSON. */
const ANSWER_CHARS = 300;

/** The automation rules whose actions run now (a transfer a rule made), so their events name them. */
export const automationCauseNow = (): readonly string[] =>
  causeOf({ type: 'conversation.transferred' } as unknown as Parameters<typeof causeOf>[0]);

/** The strict instructions: one intent of the list (or none) and one sentiment, as JSON only. */
export function classificationPrompt(intents: readonly IntentDef[]): string {
  const list = intents.length ? intents.map((i) => `- ${i.name}`).join('\n') : '(none)';
  return (
    "Classify the customer's intent and sentiment in this support conversation.\n" +
    `Intents:\n${list}\n` +
    'Answer with one JSON object and nothing else: {"intent": "<one intent exactly as listed, or none>", ' +
    '"sentiment": "positive" | "neutral" | "negative"}'
  );
}

/**
 * The model's answer, parsed strictly: one JSON object with an `intent` from the list (or `none`)
 * and a known `sentiment`, and nothing else; undefined for anything else (garbage).
 */
export function parseClassification(
  answer: string,
  intents: readonly IntentDef[],
): { intent: string | null; sentiment: Sentiment } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(answer.trim());
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).some((k) => k !== 'intent' && k !== 'sentiment')) return undefined;
  if (typeof o.intent !== 'string' || typeof o.sentiment !== 'string') return undefined;
  const sentiment = o.sentiment.trim().toLowerCase() as Sentiment;
  if (!SENTIMENTS.includes(sentiment)) return undefined;
  const said = o.intent.trim().toLowerCase();
  if (said === 'none') return { intent: null, sentiment };
  const intent = intents.find((i) => i.name.toLowerCase() === said);
  return intent ? { intent: intent.name, sentiment } : undefined;
}

export interface ClassifierDeps {
  store: Store;
  egress: Egress;
  masker: MessageMasker;
  suggestions: SuggestionWriter;
  metrics: AssistMetrics;
  log: Logger;
  /** A classification changed a conversation's intent or sentiment (automation listens). */
  changed: (accountId: string, conversationId: string, c: Classification, cause: readonly string[]) => void;
}

/**
 * Classifies each conversation's intent and sentiment, beside the chat and never in its way.
 * Debounced: on the customer's first line, then after every `CLASSIFY_EVERY` more of their lines,
 * and on transfer and close when they wrote since. With a model, the model is asked (masked text,
 * the deadline of the settings); without one, the example phrases and the word lists decide.
 */
export class IntentClassifier {
  /** Conversations being classified on this node (a second ask waits for the next line). */
  private readonly busy = new Set<string>();

  constructor(private readonly d: ClassifierDeps) {}

  /** A committed line: a customer's may start a classification. */
  onLine(accountId: string, message: Message, cause: readonly string[] = []): void {
    if (message.senderKind !== 'visitor' || !message.text.trim()) return;
    this.run(accountId, message.conversationId, 'line', cause);
  }

  /** A transfer or a close: classifies when the customer wrote since the last time. */
  onHandover(accountId: string, conversation: Conversation, cause: readonly string[] = []): void {
    this.run(accountId, conversation.id, 'handover', cause);
  }

  private run(accountId: string, conversationId: string, why: 'line' | 'handover', cause: readonly string[]) {
    this.maybe(accountId, conversationId, why, cause).catch((err: unknown) =>
      this.d.log.warn({ err, conversationId }, 'conversation not classified'),
    );
  }

  private async maybe(
    accountId: string,
    conversationId: string,
    why: 'line' | 'handover',
    cause: readonly string[],
  ): Promise<void> {
    if (this.busy.has(conversationId)) return;
    const plan = await this.d.suggestions.plan(accountId);
    if (!plan.enabled) return;
    this.busy.add(conversationId);
    try {
      const { store } = this.d;
      const [lines, had] = await Promise.all([
        store.classifications.customerLines(accountId, conversationId),
        store.classifications.get(accountId, conversationId),
      ]);
      const since = lines - (had?.customerLines ?? 0);
      const due = why === 'handover' ? since > 0 : !had || since >= CLASSIFY_EVERY;
      if (!due || lines === 0) return;
      const result = await this.classify(accountId, conversationId, lines, plan);
      this.d.metrics.classified(result.source, result.state);
      const { classification, changed } = await store.classifications.put(accountId, conversationId, result);
      if (changed) this.d.changed(accountId, conversationId, classification, cause);
    } finally {
      this.busy.delete(conversationId);
    }
  }

  /** Classifies now, from the stored lines: by the model when one is set, else by the rules. */
  async classify(
    accountId: string,
    conversationId: string,
    customerLines: number,
    plan: Awaited<ReturnType<SuggestionWriter['plan']>>,
  ): Promise<ClassificationInput> {
    const conversation = await this.d.store.conversations.get(accountId, conversationId);
    const from = Math.max(0, conversation.lastSeq - CONTEXT_LINES * 2);
    const recent = (
      await this.d.store.messages.after(accountId, conversationId, from, {
        visitorView: true,
        limit: CONTEXT_LINES * 2,
      })
    ).filter((m) => (m.senderKind === 'visitor' || m.senderKind === 'agent') && m.text.trim());
    const customer = recent.filter((m) => m.senderKind === 'visitor').map((m) => m.text);
    const model = modelFor(plan, 'intent');
    if (!model)
      return {
        intent: intentByRules(plan.intents, customer),
        sentiment: sentimentByRules(customer.slice(-SENTIMENT_LINES)),
        source: 'rules',
        state: 'done',
        customerLines,
      };
    const mask = await modelMasking(this.d.masker, accountId);
    const transcript = recent
      .slice(-CONTEXT_LINES)
      .map((m) => `${m.senderKind === 'visitor' ? 'Customer' : 'Agent'}: ${mask(m.text)}`)
      .join('\n');
    const r = await streamCompletion(
      this.d.egress,
      model,
      [
        { role: 'system', content: classificationPrompt(plan.intents) },
        { role: 'user', content: transcript },
      ],
      { purpose: 'classification', maxChars: ANSWER_CHARS, maxTokens: 60 },
      this.d.metrics,
      this.d.log,
    );
    const none = { intent: null, sentiment: null, source: 'model' as const, customerLines };
    if (r.state !== 'done') return { ...none, state: r.state };
    const parsed = parseClassification(r.text, plan.intents);
    if (!parsed) return { ...none, state: 'garbage' };
    return { ...parsed, source: 'model', state: 'done', customerLines };
  }
}
