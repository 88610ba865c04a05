import type {
  AutomationAction,
  AutomationCondition,
  AutomationRule,
  AutomationRuleInput,
  AutomationRulePatch,
  AutomationRun,
  AutomationStep,
  AutomationTrigger,
} from '@beckon/protocol/automation-api';
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../errors.ts';
import { newTimeId } from '../ids.ts';
import type { AutomationRulesTable } from './automation-schema.ts';
import { iso } from './rows.ts';
import type { Database } from './schema.ts';

/** Runs kept per rule; older ones are dropped as new ones come. */
export const RUNS_KEPT = 200;
/** How long a node trusts its cache of an account's rules (a change on this node clears it). */
const RULES_TTL_MS = 2_000;

/** A rule as the worker reads it. */
export interface StoredRule {
  id: string;
  accountId: string;
  name: string;
  enabled: boolean;
  trigger: AutomationTrigger;
  conditions: AutomationCondition[];
  actions: AutomationAction[];
}

type RuleRow = Selectable<AutomationRulesTable>;

function parse(r: RuleRow): StoredRule {
  const d = JSON.parse(r.definition) as Pick<StoredRule, 'trigger' | 'conditions' | 'actions'>;
  return { id: r.id, accountId: r.account_id, name: r.name, enabled: Number(r.enabled) === 1, ...d };
}

function toRule(r: RuleRow): AutomationRule {
  const { accountId: _a, ...rule } = parse(r);
  return {
    ...rule,
    runs: Number(r.run_count),
    lastRunAt: iso(r.last_run_at === null ? null : Number(r.last_run_at)),
    createdAt: iso(Number(r.created_at))!,
    updatedAt: iso(Number(r.updated_at))!,
  };
}

/**
 * Automation rules per account and each rule's run log. The enabled rules of an account are cached
 * briefly, since every domain event of the account asks for them.
 */
export class AutomationRepo {
  private readonly cache = new Map<string, { at: number; rules: StoredRule[] }>();

  constructor(private readonly db: Kysely<Database>) {}

  async list(accountId: string): Promise<AutomationRule[]> {
    const rows = await this.db
      .selectFrom('automation_rules')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
    return rows.map(toRule);
  }

  private async row(accountId: string, id: string): Promise<RuleRow> {
    const row = await this.db
      .selectFrom('automation_rules')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('automation rule');
    return row;
  }

  async get(accountId: string, id: string): Promise<AutomationRule> {
    return toRule(await this.row(accountId, id));
  }

  async create(accountId: string, input: AutomationRuleInput, now = Date.now()): Promise<AutomationRule> {
    const row: RuleRow = {
      id: newTimeId('rule', now),
      account_id: accountId,
      name: input.name.trim(),
      enabled: input.enabled === false ? 0 : 1,
      trigger_type: input.trigger.type,
      definition: JSON.stringify({
        trigger: input.trigger,
        conditions: input.conditions ?? [],
        actions: input.actions,
      }),
      run_count: 0,
      last_run_at: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('automation_rules').values(row).execute();
    this.cache.delete(accountId);
    return toRule(row);
  }

  async update(
    accountId: string,
    id: string,
    patch: AutomationRulePatch,
    now = Date.now(),
  ): Promise<AutomationRule> {
    const current = parse(await this.row(accountId, id));
    const trigger = patch.trigger ?? current.trigger;
    const row = await this.db
      .updateTable('automation_rules')
      .set({
        name: patch.name?.trim() ?? current.name,
        enabled: (patch.enabled ?? current.enabled) ? 1 : 0,
        trigger_type: trigger.type,
        definition: JSON.stringify({
          trigger,
          conditions: patch.conditions ?? current.conditions,
          actions: patch.actions ?? current.actions,
        }),
        updated_at: now,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    this.cache.delete(accountId);
    return toRule(row);
  }

  async remove(accountId: string, id: string): Promise<void> {
    const r = await this.db
      .deleteFrom('automation_rules')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('automation rule');
    this.cache.delete(accountId);
  }

  /**
   * The account's enabled rules, from a short cache. Inside a transaction pass it as `db`:
   * SQLite has one connection.
   */
  async enabled(accountId: string, now = Date.now(), db: Kysely<Database> = this.db): Promise<StoredRule[]> {
    const hit = this.cache.get(accountId);
    if (hit && now - hit.at < RULES_TTL_MS && now >= hit.at) return hit.rules;
    const rows = await db
      .selectFrom('automation_rules')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('enabled', '=', 1)
      .orderBy('created_at')
      .execute();
    const rules = rows.map(parse);
    this.cache.set(accountId, { at: now, rules });
    return rules;
  }

  /** Enabled idle rules of every account (the idle sweeper's list). */
  async idleRules(): Promise<StoredRule[]> {
    const rows = await this.db
      .selectFrom('automation_rules')
      .selectAll()
      .where('enabled', '=', 1)
      .where('trigger_type', '=', 'conversation.idle')
      .execute();
    return rows.map(parse);
  }

  // ── Run log ───────────────────────────────────────────────────────────────

  /**
   * Starts a firing of a rule on an event: writes the run and counts it on the rule. Answers the
   * run's id, or null when the rule already ran on this event (it was worked again after a lapsed
   * lease), so its actions are not done twice. Drops the rule's runs beyond the newest `RUNS_KEPT`.
   */
  async startRun(
    rule: StoredRule,
    eventId: string,
    conversationId: string | null,
    now = Date.now(),
  ): Promise<string | null> {
    const id = newTimeId('run', now);
    const r = await this.db
      .insertInto('automation_runs')
      .values({
        id,
        account_id: rule.accountId,
        rule_id: rule.id,
        event_id: eventId,
        trigger_type: rule.trigger.type,
        conversation_id: conversationId,
        status: 'running',
        steps: '[]',
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['rule_id', 'event_id']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return null;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('automation_rules')
        .set((eb) => ({ run_count: eb('run_count', '+', 1), last_run_at: now }))
        .where('id', '=', rule.id)
        .execute();
      const cut = await trx
        .selectFrom('automation_runs')
        .select('id')
        .where('rule_id', '=', rule.id)
        .orderBy('id', 'desc')
        .offset(RUNS_KEPT)
        .limit(1)
        .executeTakeFirst();
      if (cut)
        await trx
          .deleteFrom('automation_runs')
          .where('rule_id', '=', rule.id)
          .where('id', '<=', cut.id)
          .execute();
    });
    return id;
  }

  /** Writes what each action of a run did: `done` when all did their part, else `failed`. */
  async finishRun(runId: string, steps: AutomationStep[]): Promise<void> {
    await this.db
      .updateTable('automation_runs')
      .set({ status: steps.every((s) => s.ok) ? 'done' : 'failed', steps: JSON.stringify(steps) })
      .where('id', '=', runId)
      .execute();
  }

  /** A rule's newest runs first. */
  async runs(accountId: string, ruleId: string, limit = 50): Promise<AutomationRun[]> {
    await this.row(accountId, ruleId);
    const rows = await this.db
      .selectFrom('automation_runs')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('rule_id', '=', ruleId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      ruleId: r.rule_id,
      trigger: r.trigger_type,
      conversationId: r.conversation_id,
      status: r.status,
      steps: JSON.parse(r.steps) as AutomationStep[],
      createdAt: iso(Number(r.created_at))!,
    }));
  }
}
