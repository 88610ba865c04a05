import {
  type AnswerGeneration,
  type AnswerGenerationUpdate,
  DEFAULT_GENERATION_TIMEOUT_SECONDS,
} from '@beckon/protocol/bots-api';
import type { Kysely } from 'kysely';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';
import type { SecretsRef } from './secret-box.ts';

/** Where the answer bot asks for a generated answer, with the opened key (the engine's view). */
export interface AnswerGenerator {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
}

const OFF: AnswerGeneration = {
  enabled: false,
  baseUrl: '',
  model: '',
  hasApiKey: false,
  timeoutSeconds: DEFAULT_GENERATION_TIMEOUT_SECONDS,
  updatedAt: null,
};

/** Each account's optional generated answers; the API key is sealed at rest and never read back. */
export class AnswerGenerationRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretsRef,
  ) {}

  private row(accountId: string) {
    return this.db
      .selectFrom('answer_generation')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
  }

  /** The settings as the console shows them (off when never saved). */
  async get(accountId: string): Promise<AnswerGeneration> {
    const r = await this.row(accountId);
    if (!r) return OFF;
    return {
      enabled: Number(r.enabled) === 1,
      baseUrl: r.base_url,
      model: r.model,
      hasApiKey: r.api_key !== null,
      timeoutSeconds: Number(r.timeout_seconds),
      updatedAt: iso(Number(r.updated_at)),
    };
  }

  /** The endpoint the answer bot asks, or undefined when generated answers are off. */
  async target(accountId: string): Promise<AnswerGenerator | undefined> {
    const r = await this.row(accountId);
    if (!r || Number(r.enabled) !== 1 || !r.base_url) return undefined;
    return {
      baseUrl: r.base_url,
      model: r.model,
      apiKey: this.secrets.box.openNullable(r.api_key),
      timeoutMs: Number(r.timeout_seconds) * 1000,
    };
  }

  /** Saves the settings; the stored key stays unless `apiKey` is given (a new key, or null to remove). */
  async save(accountId: string, input: AnswerGenerationUpdate): Promise<AnswerGeneration> {
    const now = Date.now();
    const values = {
      enabled: input.enabled ? 1 : 0,
      base_url: input.baseUrl.trim().replace(/\/+$/, ''),
      model: input.model.trim(),
      timeout_seconds: input.timeoutSeconds ?? DEFAULT_GENERATION_TIMEOUT_SECONDS,
      updated_at: now,
      ...(input.apiKey !== undefined
        ? { api_key: input.apiKey?.trim() ? this.secrets.box.seal(input.apiKey.trim()) : null }
        : {}),
    };
    await this.db
      .insertInto('answer_generation')
      .values({ account_id: accountId, api_key: null, ...values })
      .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
      .execute();
    return this.get(accountId);
  }
}
