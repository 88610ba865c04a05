import {
  type Campaign,
  CONTROL_ARM,
  type DeliveredEngagement,
  type ProactiveMessage,
  pushes,
  type Surfaces,
  type ValidationError,
} from '@beckon/protocol';
import { recordExposure } from '../visitor/exposures.ts';
import { ALL_FIELDS, Field } from '../visitor/field-bits.ts';
import type { VisitorState } from '../visitor-state.ts';
import { type CompiledNode, compileNode, InvalidConditionError, inputsOf } from './condition-compiler.ts';
import { type CapacityFn, dayCapLiftsAt, frequencyVerdict, resolveEngagement } from './eligibility.ts';
import { isInSchedule, nextScheduleOpen } from './schedule.ts';
import { type UpliftModelCheck, upliftFiltered, usesUpliftMode } from './uplift-mode.ts';
import { armFor } from './variant-arms.ts';

/**
 * What targeting decided for one visitor: show `engagement`, or (control) record it and show nothing.
 * A `message` is not shown on the page: the server sends it to the visitor's contact.
 */
export interface Decision {
  exposureId: string;
  campaignId: string;
  engagement: DeliveredEngagement | ProactiveMessage;
  control: boolean;
  /** The variant's key when the campaign has variants and the visitor is not held out. */
  variant?: string;
}

/**
 * Whether a campaign in `positive_lift` mode may target a visitor with this purchase score (its
 * score band shows positive lift, or there is not enough data yet). Injected by the server.
 */
export type ScoreBandGate = (campaignId: string, score: number | undefined) => boolean;

export interface TargetingEngineOptions {
  /** Makes exposure ids (default: random UUIDs). */
  newExposureId?: () => string;
  /** Consulted for campaigns in `positive_lift` mode; without it they target everyone. */
  scoreBandGate?: ScoreBandGate;
  /** Consulted for campaigns in the uplift `positive_only` mode; without it they target everyone. */
  upliftModel?: UpliftModelCheck;
  /** How soon to retry a qualified visitor whose chat skill was busy (default 5 s). */
  capacityRetryMs?: number;
}

interface Entry {
  campaign: Campaign;
  node: CompiledNode;
  inputs: number;
  /** Campaign id and targeting: a visitor's verdict carries over a campaign-set change only if this is unchanged. */
  key: string;
}

/** A campaign that could not be compiled, with the faults' paths inside its targeting. */
export interface RejectedCampaign {
  campaignId: string;
  errors: ValidationError[];
}

const INF = Number.POSITIVE_INFINITY;
const TRUE = 1;
const ARMED = 2;
const HISTORY = 8;
let versions = 0;

/**
 * The Field bits whose change re-tests a campaign's targeting. A tree that reads no field (`{"all": []}`
 * matches everyone) is tested on every change, so the first one a visitor makes engages them.
 */
function inputsOfTargeting(targeting: Campaign['targeting']): number {
  return inputsOf(targeting) || ALL_FIELDS;
}

/**
 * Decides whom to engage. Campaigns are compiled once (`setCampaigns`); `evaluate` re-tests only
 * campaigns whose inputs changed, fires a campaign when its condition turns true (once per turn),
 * then applies schedule, frequency caps, the decline rule, capacity and the control group, and
 * picks the winner by priority (then campaign id). It records the exposure in the visitor state.
 */
export class TargetingEngine {
  #entries: Entry[] = [];
  /** Inputs of campaigns with time conditions: touching them moves this visitor's next timer. */
  #timedInputs = 0;
  #version = ++versions;
  /** Recent campaign sets by version, to carry visitors' verdicts across a change. */
  readonly #history = new Map<number, Entry[]>();
  readonly #newId: () => string;
  readonly #retryMs: number;
  readonly #gate: ScoreBandGate | undefined;
  readonly #uplift: UpliftModelCheck | undefined;

  constructor(options: TargetingEngineOptions = {}) {
    this.#newId = options.newExposureId ?? (() => crypto.randomUUID());
    this.#retryMs = options.capacityRetryMs ?? 5000;
    this.#gate = options.scoreBandGate;
    this.#uplift = options.upliftModel;
  }

  /** Replaces the campaign set (only `active` ones run); returns those whose targeting failed to compile. */
  setCampaigns(campaigns: readonly Campaign[]): RejectedCampaign[] {
    const rejected: RejectedCampaign[] = [];
    const entries: Entry[] = [];
    for (const campaign of campaigns) {
      if (campaign.status !== 'active') continue;
      try {
        const banded = campaign.scoreBands === 'positive_lift' && this.#gate !== undefined;
        const upliftMode = usesUpliftMode(campaign) && this.#uplift !== undefined;
        const messaged = campaign.engagement.type === 'message';
        let node = compileNode(campaign.targeting, campaign.id);
        if (banded) node = gated(node, campaign.id, this.#gate!);
        if (upliftMode) node = upliftFiltered(node, campaign, this.#uplift!);
        if (messaged) node = identified(node);
        const push = messaged && pushes(campaign.engagement);
        if (push) node = awayFromApp(node);
        node = onSurface(node, campaign.surfaces ?? 'web');
        entries.push({
          campaign,
          node,
          inputs:
            inputsOfTargeting(campaign.targeting) |
            (banded || upliftMode ? Field.Score : 0) |
            (messaged ? Field.Traits : 0) |
            (push ? Field.PageTime : 0),
          key: `${campaign.id}\u0000${campaign.scoreBands ?? 'all'}\u0000${JSON.stringify(campaign.uplift ?? null)}\u0000${campaign.surfaces ?? 'web'}\u0000${JSON.stringify(campaign.targeting)}`,
        });
      } catch (e) {
        const errors = e instanceof InvalidConditionError ? e.errors : [{ path: '', message: String(e) }];
        rejected.push({ campaignId: campaign.id, errors });
      }
    }
    entries.sort(
      (a, b) => b.campaign.priority - a.campaign.priority || compareIds(a.campaign.id, b.campaign.id),
    );
    this.#entries = entries;
    this.#timedInputs = entries.reduce((m, e) => (e.node.timed ? m | e.inputs : m), 0);
    this.#version = ++versions;
    this.#history.set(this.#version, entries);
    for (const v of this.#history.keys()) if (this.#history.size > HISTORY) this.#history.delete(v);
    return rejected;
  }

  /** The running campaigns in decision order (priority desc, then id). */
  get campaigns(): Campaign[] {
    return this.#entries.map((e) => e.campaign);
  }

  /**
   * Re-evaluates the campaigns whose inputs meet `changed` (Field bits from `applyEvent`, or
   * Field.Clock when a `nextCheck` timer fires) and returns at most one decision. Call it after
   * every event, even when `changed` is 0: an answered exposure can free a waiting campaign.
   * `messagesOnly` decides among message campaigns alone: the visitor has no page to show anything
   * on (an app user who closed the app); the others stay armed for their return.
   */
  evaluate(
    state: VisitorState,
    changed: number,
    now: number,
    capacity: CapacityFn,
    messagesOnly = false,
  ): Decision | null {
    const mem = state.targeting;
    const entries = this.#entries;
    if (mem.version !== this.#version) {
      this.#carryOver(mem);
      changed = ALL_FIELDS;
    }
    const flags = mem.flags;
    if ((changed & this.#timedInputs) !== 0) mem.dirty = true;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if ((e.inputs & changed) === 0) continue;
      const f = flags[i]!;
      if (e.node.test(state, now)) {
        if (f === 0) {
          flags[i] = TRUE | ARMED;
          mem.armed++;
        }
      } else if (f !== 0) {
        flags[i] = 0;
        if (f & ARMED) mem.armed--;
      }
    }
    if (mem.armed === 0) return null;
    mem.dirty = true;
    if (state.pendingExposureId !== null) return null;
    for (let i = 0; i < entries.length; i++) {
      if ((flags[i]! & ARMED) === 0) continue;
      const e = entries[i]!;
      if (messagesOnly && e.campaign.engagement.type !== 'message') continue;
      if (!e.node.test(state, now)) {
        flags[i] = 0;
        mem.armed--;
        continue;
      }
      const c = e.campaign;
      if (c.schedule && !isInSchedule(c.schedule, now)) continue;
      const frequency = frequencyVerdict(c, state, now);
      if (frequency === 'day') continue;
      if (frequency !== 'ok') {
        flags[i] = TRUE; // held back until the condition turns true again or a new session starts
        mem.armed--;
        continue;
      }
      const arm = armFor(state, c);
      if (arm === null) {
        flags[i] = TRUE; // the visitor's variant was removed: they keep it and get nothing more
        mem.armed--;
        continue;
      }
      const engagement = resolveEngagement(arm.engagement, capacity);
      if (engagement === null) continue;
      flags[i] = TRUE;
      mem.armed--;
      const { control, variant } = arm;
      const exposureId = this.#newId();
      // A chat or call button waits on the page, and a message goes elsewhere: none holds back other campaigns.
      const blocking =
        c.engagement.type !== 'chat_button' &&
        c.engagement.type !== 'message' &&
        c.engagement.type !== 'call' &&
        c.engagement.type !== 'callback';
      const recorded = variant ?? (control && c.engagement.variants ? CONTROL_ARM : undefined);
      recordExposure(state, { exposureId, campaignId: c.id, control, blocking, arm: recorded }, now);
      return variant === undefined
        ? { exposureId, campaignId: c.id, engagement, control }
        : { exposureId, campaignId: c.id, engagement, control, variant };
    }
    return null;
  }

  /**
   * When to call `evaluate(state, Field.Clock, …)` next without a new event: a time condition
   * coming true (or lapsing), a schedule opening, a daily cap lifting, a busy skill worth
   * retrying. Infinity when nothing but a new event can change the outcome. Cached per visitor
   * until an evaluation touches something timed, so calling it after every event is cheap.
   */
  nextCheck(state: VisitorState, now: number): number {
    const mem = state.targeting;
    if (mem.version !== this.#version) return now;
    if (!mem.dirty) return mem.nextAt;
    const flags = mem.flags;
    const entries = this.#entries;
    let t = INF;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const f = flags[i]!;
      if (f & ARMED) {
        if (state.pendingExposureId !== null) continue;
        const c = e.campaign;
        if (c.schedule && !isInSchedule(c.schedule, now)) t = Math.min(t, nextScheduleOpen(c.schedule, now));
        else if (frequencyVerdict(c, state, now) === 'day') t = Math.min(t, dayCapLiftsAt(c, state));
        else t = Math.min(t, now + this.#retryMs);
      } else if (e.node.timed) {
        t = Math.min(t, f & TRUE ? e.node.nf(state, now) : e.node.nt(state, now));
      }
    }
    mem.nextAt = t;
    mem.dirty = false;
    return t;
  }

  /**
   * Moves a visitor's flags to the current campaign set. A campaign whose targeting is unchanged
   * keeps its turn, so adding or editing one campaign does not re-offer the others to everyone.
   */
  #carryOver(mem: VisitorState['targeting']) {
    const entries = this.#entries;
    const flags = new Uint8Array(entries.length);
    let armed = 0;
    const old = this.#history.get(mem.version);
    if (old && mem.flags.length === old.length) {
      const before = new Map<string, number>();
      for (let i = 0; i < old.length; i++) before.set(old[i]!.key, mem.flags[i]!);
      for (let i = 0; i < entries.length; i++) {
        const f = before.get(entries[i]!.key) ?? 0;
        flags[i] = f;
        if (f & ARMED) armed++;
      }
    }
    mem.version = this.#version;
    mem.flags = flags;
    mem.armed = armed;
    mem.dirty = true;
  }

  /**
   * A running campaign and whether its condition holds for `state` now (undefined when it no longer
   * runs): an offer still on screen whose condition lapsed is taken back.
   */
  verdict(
    campaignId: string,
    state: VisitorState,
    now: number,
  ): { campaign: Campaign; holds: boolean } | undefined {
    const e = this.#entries.find((x) => x.campaign.id === campaignId);
    return e && { campaign: e.campaign, holds: e.node.test(state, now) };
  }

  /** Ids of the campaigns whose condition holds now, in decision order (console and tests). */
  qualifying(state: VisitorState, now: number): string[] {
    return this.#entries.filter((e) => e.node.test(state, now)).map((e) => e.campaign.id);
  }
}

/**
 * A campaign's condition narrowed to the score bands its lift report admits; the band is part of the
 * condition, so a visitor whose score moves into an admitted band qualifies then (Field.Score).
 */
function gated(node: CompiledNode, campaignId: string, gate: ScoreBandGate): CompiledNode {
  const inner = node.test;
  return {
    test: (s, n) => inner(s, n) && gate(campaignId, s.score),
    // Time cannot move a score into a band: when only the band is missing, wait for a new score.
    nt: (s, n) => (inner(s, n) ? INF : node.nt(s, n)),
    nf: node.nf,
    timed: node.timed,
  };
}

/**
 * A message campaign's condition narrowed to visitors linked to a contact: only a contact can be
 * reached on another channel. The link is part of the condition, so a visitor who is identified
 * later qualifies then (Field.Traits), and an anonymous one never uses up a turn or a cap.
 */
function identified(node: CompiledNode): CompiledNode {
  const inner = node.test;
  return {
    test: (s, n) => s.contactId !== undefined && inner(s, n),
    // Time cannot identify a visitor: while only the link is missing, wait for it.
    nt: (s, n) => (s.contactId === undefined && inner(s, n) ? INF : node.nt(s, n)),
    nf: node.nf,
    timed: node.timed,
  };
}

/**
 * A push campaign's condition narrowed to app users who are not in the app (it went to the
 * background, or its socket closed): a notification is for someone not looking at the app.
 * Leaving is part of the condition (Field.PageTime), so the push goes when the user leaves.
 */
function awayFromApp(node: CompiledNode): CompiledNode {
  const inner = node.test;
  const away = (s: VisitorState) => s.app !== undefined && !s.visible;
  return {
    test: (s, n) => away(s) && inner(s, n),
    // Time cannot take a user out of the app: while only leaving is missing, wait for it.
    nt: (s, n) => (!away(s) && inner(s, n) ? INF : node.nt(s, n)),
    nf: node.nf,
    timed: node.timed,
  };
}

/**
 * A campaign's condition narrowed to the surfaces it runs on: web pages (no app in the hello), apps
 * (the SDK's hello names one) or both. Caps, priorities and control groups then apply as on the web.
 */
function onSurface(node: CompiledNode, surfaces: Surfaces): CompiledNode {
  if (surfaces === 'both') return node;
  const app = surfaces === 'app';
  const inner = node.test;
  return {
    test: (s, n) => (s.app !== undefined) === app && inner(s, n),
    // Time cannot move a visitor between web and app.
    nt: (s, n) => ((s.app !== undefined) !== app ? INF : node.nt(s, n)),
    nf: node.nf,
    timed: node.timed,
  };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
