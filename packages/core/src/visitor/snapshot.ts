import {
  type CampaignMemory,
  type EventEntry,
  newTargetingMemory,
  type VisitorState,
} from './visitor-shape.ts';

/** A JSON-safe copy of a visitor state, for evicting idle visitors to the store and restoring them. */
export interface VisitorSnapshot
  extends Omit<
    VisitorState,
    'sectionViews' | 'events' | 'traits' | 'campaigns' | 'targeting' | 'score' | 'scoreTop' | 'uplift'
  > {
  v: 1;
  score?: number;
  scoreTop?: number;
  sectionViews: [string, number][];
  events: [string, EventEntry][];
  traits: [string, string | number | boolean][];
  campaigns: [string, CampaignMemory][];
}

/**
 * A state as plain JSON data, for evicting idle visitors to the store and restoring them. Targeting
 * verdicts are dropped (rebuilt on return), and so is predicted uplift: it holds the campaigns'
 * models and is computed again when the visitor is scored. It shares the state's objects, so it is
 * serialised (JSON.stringify) before the state changes again: a deep copy here was about a third of
 * what a visitor's stored row cost.
 */
export function toSnapshot(state: VisitorState): VisitorSnapshot {
  const {
    sectionViews,
    events,
    traits,
    campaigns,
    targeting: _targeting,
    uplift: _uplift,
    score,
    scoreTop,
    ...rest
  } = state;
  const snap: VisitorSnapshot = {
    ...rest,
    v: 1,
    sectionViews: [...sectionViews],
    events: [...events],
    traits: [...traits],
    campaigns: [...campaigns],
  };
  if (score !== undefined) snap.score = score;
  if (scoreTop !== undefined) snap.scoreTop = scoreTop;
  return snap;
}

/** Rebuilds a live state from a snapshot (the inverse of `toSnapshot`). */
export function fromSnapshot(snap: VisitorSnapshot): VisitorState {
  // Snapshots written before uplift was dropped may carry a lifeless copy of it: never restored.
  const {
    v: _v,
    sectionViews,
    events,
    traits,
    campaigns,
    score,
    scoreTop,
    uplift: _uplift,
    ...rest
  } = structuredClone(snap) as VisitorSnapshot & { uplift?: unknown };
  return {
    ...rest,
    score,
    scoreTop,
    sectionViews: new Map(sectionViews),
    events: new Map(events),
    traits: new Map(traits),
    campaigns: new Map(campaigns),
    targeting: newTargetingMemory(),
  };
}
