import type { TSchema } from 'typebox';
import {
  CAMPAIGN_DEFAULTS,
  type Campaign,
  CampaignCallbackSchema,
  CampaignCallSchema,
  CampaignChatButtonSchema,
  CampaignChatInvitationSchema,
  CampaignContentSchema,
  CampaignInputSchema,
  CampaignMessageSchema,
  type Condition,
  type Engagement,
  type Frequency,
  GoalSchema,
} from './campaign.ts';
import { checkVariants } from './campaign-variants.ts';
import {
  type ConditionRules,
  pointer,
  type ValidationError,
  validateCondition,
} from './condition-validation.ts';
import { lazyCompile, type SchemaCheck } from './lazy-validator.ts';

/** A campaign as validated from input: `id` is there only if the caller supplied one. */
export type ValidCampaignInput = Omit<Campaign, 'id'>;

export type CampaignValidation =
  | { ok: true; value: ValidCampaignInput }
  | { ok: false; errors: ValidationError[] };

const MAX_ERRORS = 20;
const props = (CampaignInputSchema as unknown as { properties: Record<string, TSchema>; required?: string[] })
  .properties;
const required = new Set(['name', 'status', 'goal', 'targeting', 'engagement']);
const propValidators: Record<string, SchemaCheck> = Object.create(null);
for (const [k, s] of Object.entries(props)) if (k !== 'targeting') propValidators[k] = lazyCompile(s);
const engagementValidators: Record<string, SchemaCheck> = {
  chat_invitation: lazyCompile(CampaignChatInvitationSchema),
  chat_button: lazyCompile(CampaignChatButtonSchema),
  content: lazyCompile(CampaignContentSchema),
  message: lazyCompile(CampaignMessageSchema),
  call: lazyCompile(CampaignCallSchema),
  callback: lazyCompile(CampaignCallbackSchema),
};
const goalBranches = (GoalSchema as unknown as { anyOf: TSchema[] }).anyOf;
const goalValidators: Record<string, SchemaCheck> = {
  purchase: lazyCompile(goalBranches[0]!),
  event: lazyCompile(goalBranches[1]!),
};

/**
 * Validates a campaign body from the REST API or the console and fills its defaults; on failure
 * returns every fault with its JSON-pointer path (e.g. `/targeting/all/2/op`) so the API can say where.
 * `rules` relaxes what a stored targeting tree may keep (see `ConditionRules`).
 */
export function validateCampaignInput(input: unknown, rules: ConditionRules = {}): CampaignValidation {
  const errors: ValidationError[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  }
  const body = input as Record<string, unknown>;
  for (const k of Object.keys(body)) {
    if (!Object.hasOwn(props, k)) errors.push({ path: pointer(k), message: 'unknown property' });
  }
  for (const k of required) if (body[k] === undefined) errors.push({ path: pointer(k), message: 'required' });
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined || k === 'targeting' || !Object.hasOwn(props, k)) continue;
    if (k === 'engagement') checkTagged(v, engagementValidators, '/engagement', errors);
    else if (k === 'goal') checkTagged(v, goalValidators, '/goal', errors);
    else collect(propValidators[k]!, v, pointer(k), errors);
  }
  if (body.targeting !== undefined) validateCondition(body.targeting, '/targeting', errors, rules);
  const engagement = body.engagement as { variants?: unknown } | undefined;
  if (engagement?.variants !== undefined) checkVariants(engagement.variants, '/engagement/variants', errors);
  if (body.schedule !== undefined && propValidators.schedule!.Check(body.schedule)) {
    const s = body.schedule as { timeZone: string; startMinute: number; endMinute: number };
    if (!isTimeZone(s.timeZone))
      errors.push({ path: '/schedule/timeZone', message: 'unknown IANA time zone' });
    if (s.startMinute === s.endMinute % 1440) {
      errors.push({
        path: '/schedule/endMinute',
        message: 'must differ from startMinute (use 0 to 1440 for all day)',
      });
    }
  }
  if (pushes(body.engagement) && body.surfaces !== 'app' && body.surfaces !== 'both')
    errors.push({
      path: '/surfaces',
      message: 'a push goes to app users: set surfaces to app or both',
    });
  const uplift = body.uplift as { mode?: unknown } | undefined;
  const controlShare = typeof body.controlShare === 'number' ? body.controlShare : 0;
  if (uplift?.mode === 'positive_only' && !(controlShare > 0)) {
    errors.push({
      path: '/uplift/mode',
      message: 'positive_only needs a control group (controlShare above 0): the uplift model learns from it',
    });
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ERRORS) };
  return { ok: true, value: normalize(body) };
}

/** True for a message engagement (or a variant of one) sent as a push: it waits until the user leaves the app. */
export function pushes(engagement: unknown): boolean {
  const e = engagement as
    | { type?: unknown; channel?: unknown; variants?: { channel?: unknown }[] }
    | undefined;
  if (e?.type !== 'message') return false;
  return e.channel === 'push' || (Array.isArray(e.variants) && e.variants.some((v) => v?.channel === 'push'));
}

/** Gives a validated input its id (assigned by the store), producing the `Campaign` targeting runs on. */
export function toCampaign(id: string, input: ValidCampaignInput): Campaign {
  return { ...input, id };
}

function normalize(body: Record<string, unknown>): ValidCampaignInput {
  const frequency = (body.frequency ?? {}) as Partial<Frequency>;
  const out: ValidCampaignInput = {
    name: body.name as string,
    status: body.status as Campaign['status'],
    goal: structuredClone(body.goal) as Campaign['goal'],
    targeting: structuredClone(body.targeting) as Condition,
    frequency: {
      ...(frequency.perSession !== undefined && { perSession: frequency.perSession }),
      ...(frequency.perVisitorPerDay !== undefined && { perVisitorPerDay: frequency.perVisitorPerDay }),
      afterDecline: frequency.afterDecline ?? CAMPAIGN_DEFAULTS.afterDecline,
    },
    priority: (body.priority as number | undefined) ?? CAMPAIGN_DEFAULTS.priority,
    controlShare: (body.controlShare as number | undefined) ?? CAMPAIGN_DEFAULTS.controlShare,
    engagement: structuredClone(body.engagement) as Engagement,
    attributionWindowDays:
      (body.attributionWindowDays as number | undefined) ?? CAMPAIGN_DEFAULTS.attributionWindowDays,
    scoreBands: (body.scoreBands as Campaign['scoreBands'] | undefined) ?? CAMPAIGN_DEFAULTS.scoreBands,
  };
  if (body.minimalEffect !== undefined) out.minimalEffect = body.minimalEffect as number;
  if (body.surfaces !== undefined && body.surfaces !== 'web')
    out.surfaces = body.surfaces as Campaign['surfaces'];
  if (body.schedule !== undefined) out.schedule = structuredClone(body.schedule) as Campaign['schedule'];
  const uplift = body.uplift as { mode: 'off' | 'positive_only'; holdout?: number } | undefined;
  if (uplift !== undefined && uplift.mode !== 'off') {
    out.uplift = { mode: uplift.mode, holdout: uplift.holdout ?? CAMPAIGN_DEFAULTS.upliftHoldout };
  }
  return out;
}

/** Validates a union discriminated by `type` against the one branch its `type` names. */
function checkTagged(
  value: unknown,
  branches: Record<string, SchemaCheck>,
  base: string,
  errors: ValidationError[],
) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push({ path: base, message: 'must be an object' });
    return;
  }
  const type = (value as { type?: unknown }).type;
  const v = typeof type === 'string' && Object.hasOwn(branches, type) ? branches[type] : null;
  if (!v) {
    errors.push({ path: base + '/type', message: `must be one of ${Object.keys(branches).join(', ')}` });
    return;
  }
  collect(v, value, base, errors);
}

/** Turns TypeBox's errors into one clear message per path (union branches collapsed). */
function collect(validator: SchemaCheck, value: unknown, base: string, errors: ValidationError[]) {
  if (validator.Check(value)) return;
  const consts = new Map<string, unknown[]>();
  const seen = new Set<string>();
  const push = (path: string, message: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    errors.push({ path, message });
  };
  for (const e of validator.Errors(value)) {
    const path = base + e.instancePath;
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'const') {
      const list = consts.get(path) ?? [];
      list.push(params.allowedValue);
      consts.set(path, list);
    } else if (e.keyword === 'required') {
      for (const p of params.requiredProperties as string[]) push(path + pointer(p), 'required');
    } else if (e.keyword === 'additionalProperties') {
      for (const p of params.additionalProperties as string[]) push(path + pointer(p), 'unknown property');
    } else if (e.keyword === 'pattern') {
      push(path, /Url$/.test(path) ? 'must be an http or https URL' : 'has an invalid format');
    } else if (e.keyword !== 'anyOf' && e.keyword !== 'boolean') {
      push(path, e.message);
    }
  }
  for (const [path, allowed] of consts)
    push(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  if (seen.size === 0) errors.push({ path: base, message: 'invalid value' });
}

const zoneCache = new Map<string, boolean>();
/** True when the runtime knows this IANA time zone. */
export function isTimeZone(tz: string): boolean {
  let ok = zoneCache.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (zoneCache.size < 1000) zoneCache.set(tz, ok);
  }
  return ok;
}
