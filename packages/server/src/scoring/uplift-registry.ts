import { fieldsOf } from '@beckon/core';
import { LIVE_FEATURE_NAMES } from '@beckon/core/features/index';
import {
  memoUplift,
  UpliftMemo,
  type UpliftModel,
  upliftFromJson,
  withUpliftTables,
} from '@beckon/core/model/index';
import type { UpliftReader } from '@beckon/core/visitor-state';
import type { Condition } from '@beckon/protocol';
import type { Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import type { Database } from '../store/schema.ts';

/** A campaign that reads predicted uplift (its `uplift` field or mode), with its model. */
export interface UpliftUser {
  campaignId: string;
  model: UpliftModel;
}

interface Loaded {
  trainedAt: number;
  model: UpliftModel;
}

const NONE: readonly UpliftUser[] = [];

/** Whether a stored campaign reads predicted uplift: the positive-only mode or an `uplift` condition. */
export function readsUplift(uplift: string | null | undefined, targeting: string): boolean {
  try {
    if (uplift && (JSON.parse(uplift) as { mode?: string }).mode === 'positive_only') return true;
    return fieldsOf(JSON.parse(targeting) as Condition).has('uplift');
  } catch {
    return false;
  }
}

/**
 * The trained uplift model of every active campaign, and per account the campaigns that read it:
 * scoring computes predicted uplift only for those. Re-read every few minutes (models trained on
 * any node, campaigns changed); a model is parsed again only when it was retrained.
 */
export class UpliftRegistry {
  private readonly models = new Map<string, Loaded>();
  private users = new Map<string, UpliftUser[]>();
  /** Changes whenever a model or the set of campaigns reading one does: scoring recomputes then. */
  version = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: Logger,
  ) {}

  /** Whether the campaign has a trained uplift model now (hot path: a map lookup). */
  readonly has = (campaignId: string): boolean => this.models.has(campaignId);

  /** The account's campaigns that read predicted uplift and have a model (hot path). */
  usedBy(accountId: string): readonly UpliftUser[] {
    return this.users.get(accountId) ?? NONE;
  }

  /** Re-reads the models of active campaigns and which campaigns read them. */
  async refresh(): Promise<void> {
    const rows = await this.db
      .selectFrom('uplift_models as u')
      .innerJoin('campaigns as c', 'c.id', 'u.campaign_id')
      .select(['u.campaign_id', 'u.account_id', 'u.trained_at', 'u.model', 'c.uplift', 'c.targeting'])
      .where('u.state', '=', 'trained')
      .where('c.status', '=', 'active')
      .where('c.deleted_at', 'is', null)
      .execute();
    const keep = new Set<string>();
    const users = new Map<string, UpliftUser[]>();
    let changed = false;
    for (const r of rows) {
      const trainedAt = Number(r.trained_at);
      let loaded = this.models.get(r.campaign_id);
      if (loaded?.trainedAt !== trainedAt) {
        try {
          const m = upliftFromJson(JSON.parse(r.model ?? 'null'));
          if (m.featureNames.join() !== LIVE_FEATURE_NAMES.join()) continue; // trained on another layout
          loaded = { trainedAt, model: withUpliftTables(m) };
          this.models.set(r.campaign_id, loaded);
          changed = true;
        } catch (err) {
          this.log.error({ err, campaignId: r.campaign_id }, 'uplift model load failed');
          continue;
        }
      }
      keep.add(r.campaign_id);
      if (!readsUplift(r.uplift, r.targeting)) continue;
      const list = users.get(r.account_id) ?? [];
      users.set(r.account_id, list);
      list.push({ campaignId: r.campaign_id, model: loaded.model });
    }
    for (const id of this.models.keys()) {
      if (!keep.has(id)) {
        this.models.delete(id);
        changed = true;
      }
    }
    if (changed || fingerprint(users) !== fingerprint(this.users)) this.version++;
    this.users = users;
  }
}

function fingerprint(users: Map<string, UpliftUser[]>): string {
  return [...users.values()]
    .flat()
    .map((u) => u.campaignId)
    .sort()
    .join();
}

/**
 * A visitor's predicted uplift for each campaign reading it, computed when a rule first reads it after
 * the visitor was scored (on most updates no rule does), from the features as they were then. Each
 * campaign's model remembers its last prediction for the visitor (UpliftMemo), so a read walks only
 * the table groups the features moved since.
 */
export class VisitorUplift implements UpliftReader {
  users: readonly UpliftUser[] = NONE;
  readonly vector: Float64Array;
  /** Per user, its predicted uplift, or NaN until read. */
  values = new Float64Array(0);
  /** Per user, the memory of its model's last prediction (one per campaign reading uplift, no more). */
  memos: UpliftMemo[] = [];

  constructor(features: number) {
    this.vector = new Float64Array(features);
  }

  get(campaignId: string): number | undefined {
    const users = this.users;
    for (let i = 0; i < users.length; i++) {
      if (users[i]!.campaignId !== campaignId) continue;
      let v = this.values[i]!;
      if (Number.isNaN(v)) {
        v = memoUplift(users[i]!.model, this.vector, this.memos[i]!);
        this.values[i] = v;
      }
      return v;
    }
    return undefined;
  }
}

/**
 * Sets a visitor's predicted uplift for each campaign that reads it (clearing any other), to be
 * computed from `vector` when read; returns whether it may have changed. Called with the score, so
 * only when the visitor's features changed.
 */
export function setUplift(
  target: { uplift?: UpliftReader },
  users: readonly UpliftUser[],
  vector: Float64Array,
): boolean {
  const current = target.uplift;
  if (users.length === 0) {
    if (!(current instanceof VisitorUplift) || current.users.length === 0) return false;
    current.users = NONE;
    current.memos = [];
    return true;
  }
  let u: VisitorUplift;
  if (current instanceof VisitorUplift && current.vector.length === vector.length) u = current;
  else {
    u = new VisitorUplift(vector.length);
    target.uplift = u;
  }
  u.vector.set(vector);
  if (u.values.length !== users.length) u.values = new Float64Array(users.length);
  u.values.fill(Number.NaN);
  if (u.users !== users) u.memos = memosFor(users, u.users, u.memos);
  u.users = users;
  return true;
}

/**
 * The memories for a new list of campaigns: a campaign still listed keeps its own, forgotten when its
 * model was retrained; a campaign no longer listed takes its memory with it.
 */
function memosFor(
  users: readonly UpliftUser[],
  before: readonly UpliftUser[],
  memos: readonly UpliftMemo[],
): UpliftMemo[] {
  return users.map((user) => {
    let memo: UpliftMemo | undefined;
    for (let i = 0; i < before.length; i++) if (before[i]!.campaignId === user.campaignId) memo = memos[i];
    if (memo === undefined) return new UpliftMemo();
    if (memo.model !== user.model) memo.clear();
    return memo;
  });
}
