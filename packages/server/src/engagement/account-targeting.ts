import {
  type CapacityFn,
  type ScoreBandGate,
  TargetingEngine,
  type TargetingEngineOptions,
} from '@beckon/core';
import type { Logger } from '../logger.ts';
import type { CampaignsFingerprint } from '../store/campaigns-repo.ts';
import type { Store } from '../store/store.ts';
import type { CapacityCheck } from './capacity.ts';

/** One account's compiled campaigns and its capacity question, shared by all its sites' visitors. */
export interface AccountTargeting {
  readonly accountId: string;
  readonly engine: TargetingEngine;
  readonly capacity: CapacityFn;
  /** The agent a chat of this skill would go to now, when that is clear. */
  readonly agentName: (skillId: string) => string | undefined;
  /**
   * Custom events that are a goal of one of the account's campaigns: only these (and purchases) get
   * an `events` row of their own for attribution; every event stays in its stored frame.
   */
  goals: ReadonlySet<string>;
  /** Whether a running campaign sends messages: then a visitor's contact is looked up when it is loaded. */
  messages: boolean;
  /** Whether a running campaign has variants: then a visitor's recorded arms are read when it is loaded. */
  variants: boolean;
  fingerprint: CampaignsFingerprint | null;
  checkedAt: number;
  /** Serialises reloads of this account. */
  reloading: Promise<void>;
}

/** Loads and compiles each account's campaigns on first use, and recompiles them when they change. */
export class TargetingRegistry {
  private readonly accounts = new Map<string, AccountTargeting>();
  private readonly loading = new Map<string, Promise<AccountTargeting>>();

  constructor(
    private readonly store: Store,
    private readonly capacity: () => CapacityCheck,
    private readonly engineOptions: TargetingEngineOptions,
    private readonly log: Logger,
    /** Which score bands positive-lift campaigns may target (the scoring runtime's gates). */
    private readonly scoreBandGate?: ScoreBandGate,
  ) {}

  /** The account's targeting if already loaded (hot path: no await). */
  get(accountId: string): AccountTargeting | undefined {
    return this.accounts.get(accountId);
  }

  /** Loads the account's campaigns and capacity once; later calls return at once. */
  async ensure(accountId: string): Promise<AccountTargeting> {
    const have = this.accounts.get(accountId);
    if (have) return have;
    let p = this.loading.get(accountId);
    if (!p) {
      p = this.create(accountId).finally(() => this.loading.delete(accountId));
      this.loading.set(accountId, p);
    }
    return p;
  }

  /** Recompiles an account's campaigns from the store (after an API change, a bus message or a poll). */
  async reload(accountId: string): Promise<void> {
    const t = this.accounts.get(accountId);
    if (!t) return; // not in use on this node: loaded fresh when a visitor arrives
    t.reloading = t.reloading
      .then(() => this.compile(t))
      .catch((err) => this.log.error({ err, accountId }, 'campaign reload failed'));
    await t.reloading;
  }

  /** Reloads accounts whose campaigns changed without anyone telling this node (a safety net for lost bus messages). */
  async poll(now: number, everyMs: number): Promise<void> {
    for (const t of this.accounts.values()) {
      if (now - t.checkedAt < everyMs) continue;
      t.checkedAt = now;
      try {
        const fp = await this.store.campaigns.fingerprint(t.accountId);
        if (!sameFingerprint(fp, t.fingerprint)) await this.reload(t.accountId);
      } catch (err) {
        this.log.error({ err, accountId: t.accountId }, 'campaign poll failed');
      }
    }
  }

  get size(): number {
    return this.accounts.size;
  }

  private async create(accountId: string): Promise<AccountTargeting> {
    const t: AccountTargeting = {
      accountId,
      engine: new TargetingEngine({
        ...this.engineOptions,
        ...(this.scoreBandGate ? { scoreBandGate: this.scoreBandGate } : {}),
      }),
      capacity: (skillId, kind) => this.capacity().capacity(accountId, skillId, kind),
      agentName: (skillId) => this.capacity().agentName(accountId, skillId),
      goals: new Set(),
      messages: false,
      variants: false,
      fingerprint: null,
      checkedAt: Date.now(),
      reloading: Promise.resolve(),
    };
    await Promise.all([this.compile(t), this.capacity().prime(accountId)]);
    this.accounts.set(accountId, t);
    return t;
  }

  private async compile(t: AccountTargeting): Promise<void> {
    const fingerprint = await this.store.campaigns.fingerprint(t.accountId);
    const campaigns = await this.store.campaigns.list(t.accountId);
    const goals = await this.store.campaigns.goalEvents(t.accountId);
    // Goals change with the campaigns, in one step: no exposure of a campaign precedes its goal here.
    t.goals = goals;
    const rejected = t.engine.setCampaigns(campaigns);
    t.messages = t.engine.campaigns.some((c) => c.engagement.type === 'message');
    t.variants = t.engine.campaigns.some((c) => c.engagement.variants !== undefined);
    for (const r of rejected) {
      this.log.warn(
        { accountId: t.accountId, campaignId: r.campaignId, errors: r.errors },
        'campaign not compiled',
      );
    }
    t.fingerprint = fingerprint;
    t.checkedAt = Date.now();
  }
}

function sameFingerprint(a: CampaignsFingerprint, b: CampaignsFingerprint | null): boolean {
  return (
    b !== null && a.count === b.count && a.versions === b.versions && a.lastUpdatedAt === b.lastUpdatedAt
  );
}
