import {
  type AssistSettings,
  type AssistUpdate,
  DEFAULT_ASSIST_TIMEOUT_SECONDS,
  MODEL_USES,
  type ModelUse,
  type SuggestionOutcome,
  type SuggestionSource,
  type SuggestionUsage,
  type TranslationProvider,
} from '@beckon/protocol/assist-api';
import type { IntentDef } from '@beckon/protocol/intent-api';
import { type Kysely, sql } from 'kysely';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';

/** The model assist calls, with the opened key; undefined when assist has no model. */
export interface AssistModel {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
}

/** What assist does for an account now (the services' view, read per call). */
export interface AssistPlan {
  enabled: boolean;
  model: AssistModel | undefined;
  /** Live translation: through the model, or a LibreTranslate-compatible server (with its opened key). */
  translation: { provider: TranslationProvider; baseUrl?: string; apiKey?: string };
  intents: IntentDef[];
  /** What the model may be sent text for. */
  uses: ReadonlySet<ModelUse>;
}

/** The model for one use: none when the account keeps that use away from its model. */
export const modelFor = (plan: AssistPlan, use: ModelUse): AssistModel | undefined =>
  plan.uses.has(use) ? plan.model : undefined;

/** The uses as stored: known names only (an empty list sends nothing). */
const usesOf = (raw: string): ModelUse[] => MODEL_USES.filter((u) => raw.split(',').includes(u));

const OFF: AssistSettings = {
  enabled: false,
  baseUrl: '',
  model: '',
  hasApiKey: false,
  timeoutSeconds: DEFAULT_ASSIST_TIMEOUT_SECONDS,
  translation: { provider: 'model', hasApiKey: false },
  modelUses: [...MODEL_USES],
  intents: [],
  updatedAt: null,
};

/** The stored intents: names alone (as first saved) or with their example phrases. */
const intentsOf = (raw: string): IntentDef[] => {
  try {
    const v = JSON.parse(raw) as unknown;
    if (!Array.isArray(v)) return [];
    return v.flatMap((x): IntentDef[] =>
      typeof x === 'string'
        ? [{ name: x, examples: [] }]
        : x && typeof x === 'object' && typeof x.name === 'string'
          ? [
              {
                name: x.name,
                examples: Array.isArray(x.examples)
                  ? x.examples.filter((e: unknown) => typeof e === 'string')
                  : [],
              },
            ]
          : [],
    );
  } catch {
    return [];
  }
};

/** The intents as saved: trimmed, each name once (ignoring case), each example once. */
function cleanIntents(input: AssistUpdate['intents']): IntentDef[] {
  const out = new Map<string, IntentDef>();
  for (const i of input ?? []) {
    const name = (typeof i === 'string' ? i : i.name).trim();
    if (!name || out.has(name.toLowerCase())) continue;
    const examples = typeof i === 'string' ? [] : (i.examples ?? []).map((e) => e.trim()).filter(Boolean);
    out.set(name.toLowerCase(), { name, examples: [...new Set(examples)] });
  }
  return [...out.values()];
}

/** Each account's agent assist settings (the API key sealed at rest, never read back) and usage counts. */
export class AssistRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretsRef,
  ) {}

  private row(accountId: string) {
    return this.db
      .selectFrom('assist_settings')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
  }

  /** The settings as the console shows them (off when never saved). */
  async get(accountId: string): Promise<AssistSettings> {
    const r = await this.row(accountId);
    if (!r) return OFF;
    return {
      enabled: Number(r.enabled) === 1,
      baseUrl: r.base_url,
      model: r.model,
      hasApiKey: r.api_key !== null,
      timeoutSeconds: Number(r.timeout_seconds),
      translation: {
        provider: r.translation_provider as TranslationProvider,
        ...(r.translation_base_url ? { baseUrl: r.translation_base_url } : {}),
        hasApiKey: r.translation_api_key !== null,
      },
      modelUses: usesOf(r.model_uses),
      intents: intentsOf(r.intents),
      updatedAt: iso(Number(r.updated_at)),
    };
  }

  /** Whether assist is on, and the model it may call (none when no endpoint is set). */
  async plan(accountId: string): Promise<AssistPlan> {
    const r = await this.row(accountId);
    if (!r || Number(r.enabled) !== 1)
      return {
        enabled: false,
        model: undefined,
        translation: { provider: 'model' },
        intents: [],
        uses: new Set(),
      };
    const model =
      r.base_url && r.model
        ? {
            baseUrl: r.base_url,
            model: r.model,
            apiKey: this.secrets.box.openNullable(r.api_key),
            timeoutMs: Number(r.timeout_seconds) * 1000,
          }
        : undefined;
    const translationKey = this.secrets.box.openNullable(r.translation_api_key);
    const translation = {
      provider: r.translation_provider as TranslationProvider,
      ...(r.translation_base_url ? { baseUrl: r.translation_base_url } : {}),
      ...(translationKey ? { apiKey: translationKey } : {}),
    };
    return {
      enabled: true,
      model,
      translation,
      intents: intentsOf(r.intents),
      uses: new Set(usesOf(r.model_uses)),
    };
  }

  /**
   * Saves the settings. Each stored key (the model's `apiKey`, LibreTranslate's `translation.apiKey`)
   * stays unless given: a new key, or null to remove it.
   */
  async save(accountId: string, input: AssistUpdate, now = Date.now()): Promise<AssistSettings> {
    const translation = input.translation ?? { provider: 'model' as const };
    const values = {
      enabled: input.enabled ? 1 : 0,
      base_url: input.baseUrl.trim().replace(/\/+$/, ''),
      model: input.model.trim(),
      timeout_seconds: input.timeoutSeconds ?? DEFAULT_ASSIST_TIMEOUT_SECONDS,
      translation_provider: translation.provider,
      translation_base_url: translation.baseUrl?.trim().replace(/\/+$/, '') || null,
      intents: JSON.stringify(cleanIntents(input.intents)),
      model_uses: usesOf((input.modelUses ?? MODEL_USES).join(',')).join(','),
      updated_at: now,
      ...(input.apiKey !== undefined ? { api_key: this.sealed(input.apiKey) } : {}),
      ...(translation.apiKey !== undefined ? { translation_api_key: this.sealed(translation.apiKey) } : {}),
    };
    await this.db
      .insertInto('assist_settings')
      .values({ account_id: accountId, api_key: null, translation_api_key: null, ...values })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
      .execute();
    return this.get(accountId);
  }

  /** A key as stored: sealed, or null when it is removed (null or blank). */
  private sealed(key: string | null): string | null {
    return key?.trim() ? this.secrets.box.seal(key.trim()) : null;
  }

  /** Counts what an agent did with suggestions of one source. */
  async count(
    accountId: string,
    agentId: string,
    source: SuggestionSource,
    outcome: SuggestionOutcome,
    by = 1,
  ): Promise<void> {
    await this.db
      .insertInto('assist_suggestion_counts')
      .values({ account_id: accountId, agent_id: agentId, source, outcome, n: by })
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'agent_id', 'source', 'outcome'])
          .doUpdateSet({ n: sql`assist_suggestion_counts.n + ${by}` }),
      )
      .execute();
  }

  /** Per agent and source: shown, used as is, used edited, ignored. */
  async usage(accountId: string): Promise<SuggestionUsage[]> {
    const rows = await this.db
      .selectFrom('assist_suggestion_counts')
      .select(['agent_id', 'source', 'outcome', 'n'])
      .where('account_id', '=', accountId)
      .orderBy('agent_id')
      .orderBy('source')
      .execute();
    const out = new Map<string, SuggestionUsage>();
    for (const r of rows) {
      const key = `${r.agent_id}\u0000${r.source}`;
      let u = out.get(key);
      if (!u) {
        u = {
          agentId: r.agent_id,
          source: r.source as SuggestionSource,
          shown: 0,
          used: 0,
          edited: 0,
          ignored: 0,
        };
        out.set(key, u);
      }
      const o = r.outcome as SuggestionOutcome;
      if (o in u) u[o] += Number(r.n);
    }
    return [...out.values()];
  }
}
