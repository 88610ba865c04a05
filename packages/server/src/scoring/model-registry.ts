import { LIVE_FEATURE_NAMES } from '@beckon/core/features/index';
import { type BoundModel, bindModel, modelFromJson, type PropensityModel } from '@beckon/core/model/index';
import type { Logger } from '../logger.ts';
import type { ModelRow } from '../store/models-repo.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_MODEL_ID, defaultModel } from './default-model.ts';

/** The model scoring one account's visitors, bound to the live feature layout. */
export interface AccountModel {
  id: string;
  source: 'default' | 'trained';
  model: PropensityModel;
  bound: BoundModel;
  trainedAt: number | null;
  activatedAt: number | null;
  /** Sessions and purchases it was trained on. */
  sessions: number;
  purchases: number;
}

/** The shipped model as an account model. */
export function defaultAccountModel(): AccountModel {
  const model = defaultModel();
  return {
    id: DEFAULT_MODEL_ID,
    source: 'default',
    model,
    bound: bindModel(model, LIVE_FEATURE_NAMES),
    trainedAt: null,
    activatedAt: null,
    sessions: model.training.rows,
    purchases: model.training.positives,
  };
}

function fromRow(row: ModelRow): AccountModel {
  const model = modelFromJson(JSON.parse(row.model));
  return {
    id: row.id,
    source: 'trained',
    model,
    bound: bindModel(model, LIVE_FEATURE_NAMES),
    trainedAt: Number(row.trained_at),
    activatedAt: row.activated_at === null ? null : Number(row.activated_at),
    sessions: Number(row.sessions),
    purchases: Number(row.purchases),
  };
}

/**
 * Each account's active model, swapped in place without a restart: the hot path reads it
 * synchronously (the default model until the account's own has loaded), a reload replaces it.
 */
export class ModelRegistry {
  readonly fallback = defaultAccountModel();
  private readonly accounts = new Map<string, AccountModel>();
  private readonly loading = new Map<string, Promise<AccountModel>>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** The account's model now (hot path: never waits; the first call starts loading it). */
  get(accountId: string): AccountModel {
    const have = this.accounts.get(accountId);
    if (have) return have;
    void this.ensure(accountId).catch(() => {});
    return this.fallback;
  }

  /** Loads the account's active model once; later calls return at once. */
  ensure(accountId: string): Promise<AccountModel> {
    const have = this.accounts.get(accountId);
    if (have) return Promise.resolve(have);
    let p = this.loading.get(accountId);
    if (!p) {
      p = this.load(accountId).finally(() => this.loading.delete(accountId));
      this.loading.set(accountId, p);
    }
    return p;
  }

  /** Re-reads the account's active model (after training here or a message from another node). */
  async reload(accountId: string): Promise<AccountModel> {
    await this.loading.get(accountId);
    return this.load(accountId);
  }

  /** Reloads accounts whose active model changed without this node hearing of it. */
  async poll(): Promise<void> {
    for (const [accountId, current] of this.accounts) {
      try {
        const id = (await this.store.models.activeId(accountId)) ?? this.fallback.id;
        if (id !== current.id) await this.reload(accountId);
      } catch (err) {
        this.log.error({ err, accountId }, 'model poll failed');
      }
    }
  }

  private async load(accountId: string): Promise<AccountModel> {
    let m = this.fallback;
    try {
      const row = await this.store.models.active(accountId);
      if (row) m = fromRow(row);
    } catch (err) {
      this.log.error({ err, accountId }, 'model load failed; scoring with the default model');
    }
    const before = this.accounts.get(accountId);
    this.accounts.set(accountId, m);
    if (before && before.id !== m.id) this.log.info({ accountId, model: m.id }, 'model swapped');
    return m;
  }
}
