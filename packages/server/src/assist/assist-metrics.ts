import { Counter, Histogram, type Registry } from 'prom-client';

/** What a model call is for. */
export type ModelPurpose = 'suggestion' | 'summary' | 'classification' | 'translation';

/** How a model call ended: an answer, or the reason the agent sees instead. */
export type ModelOutcomeState = 'done' | 'timeout' | 'down' | 'garbage' | 'too_long';

/** Assist's counters in `/metrics`: model calls (outcome, latency, tokens) and suggestions shown. */
export class AssistMetrics {
  private readonly calls: Counter<'purpose' | 'outcome'>;
  private readonly latency: Histogram<'purpose'>;
  private readonly firstToken: Histogram<'purpose'>;
  private readonly tokens: Counter<'purpose' | 'kind'>;
  private readonly suggestions: Counter<'source'>;
  private readonly classifications: Counter<'source' | 'state'>;
  private readonly translations: Counter<'provider' | 'direction' | 'outcome'>;
  private readonly languages: Counter<'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.calls = new Counter({
      name: 'beckon_assist_model_calls_total',
      help: 'Calls to the assist model, by purpose and outcome (done, timeout, down, garbage, too_long)',
      labelNames: ['purpose', 'outcome'],
      registers,
    });
    this.latency = new Histogram({
      name: 'beckon_assist_model_latency_seconds',
      help: 'Time of an assist model call, from request to its last token',
      labelNames: ['purpose'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 30],
      registers,
    });
    this.firstToken = new Histogram({
      name: 'beckon_assist_model_first_token_seconds',
      help: 'Time from an assist model request to its first streamed token',
      labelNames: ['purpose'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
      registers,
    });
    this.tokens = new Counter({
      name: 'beckon_assist_model_tokens_total',
      help: 'Tokens sent to (prompt) and written by (completion) the assist model',
      labelNames: ['purpose', 'kind'],
      registers,
    });
    this.suggestions = new Counter({
      name: 'beckon_assist_suggestions_total',
      help: 'Suggestions shown to agents, by source',
      labelNames: ['source'],
      registers,
    });
    this.classifications = new Counter({
      name: 'beckon_assist_classifications_total',
      help: 'Conversations classified (intent and sentiment), by source (model, rules) and state (done, garbage, timeout, down, too_long)',
      labelNames: ['source', 'state'],
      registers,
    });
    this.translations = new Counter({
      name: 'beckon_assist_translations_total',
      help: 'Live translations, by provider, direction (incoming, outgoing) and outcome (done, timeout, down, garbage, too_long)',
      labelNames: ['provider', 'direction', 'outcome'],
      registers,
    });
    this.languages = new Counter({
      name: 'beckon_assist_language_detections_total',
      help: "Customers' lines whose language was detected (recognised) or not (unknown)",
      labelNames: ['outcome'],
      registers,
    });
  }

  /** Counts one classification and how it ended. */
  classified(source: string, state: string): void {
    this.classifications.inc({ source, state });
  }

  /** Counts one translation call. */
  translated(provider: string, direction: 'incoming' | 'outgoing', outcome: string): void {
    this.translations.inc({ provider, direction, outcome });
  }

  /** Counts one line's language detection. */
  detected(recognised: boolean): void {
    this.languages.inc({ outcome: recognised ? 'recognised' : 'unknown' });
  }

  /** Counts one model call. */
  call(
    purpose: ModelPurpose,
    outcome: ModelOutcomeState,
    latencyMs: number,
    firstTokenMs: number | null,
    promptTokens: number,
    completionTokens: number,
  ): void {
    this.calls.inc({ purpose, outcome });
    this.latency.observe({ purpose }, latencyMs / 1000);
    if (firstTokenMs !== null) this.firstToken.observe({ purpose }, firstTokenMs / 1000);
    if (promptTokens) this.tokens.inc({ purpose, kind: 'prompt' }, promptTokens);
    if (completionTokens) this.tokens.inc({ purpose, kind: 'completion' }, completionTokens);
  }

  /** Counts suggestions sent to an agent. */
  shown(source: string, n = 1): void {
    this.suggestions.inc({ source }, n);
  }
}
