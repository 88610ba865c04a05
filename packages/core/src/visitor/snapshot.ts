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
    'sectionViews' | 'events' | 'traits' | 'campaigns' | 'targeting' | 'score' | 'scoreTop'
  > {
  v: 1;
  score?: number;
  scoreTop?: number;
  sectionViews: [string, number][];
  events: [string, EventEntry][];
  traits: [string, string | number | boolean][];
  campaigns: [string, CampaignMemory][];
}

/** Converts a state to plain JSON data (targeting verdicts are dropped: they are rebuilt on return). */
export function toSnapshot(state: VisitorState): VisitorSnapshot {
  const { sectionViews, events, traits, campaigns, targeting: _targeting, score, scoreTop, ...rest } = state;
  const snap: VisitorSnapshot = {
    ...structuredClone(rest),
    v: 1,
    sectionViews: [...sectionViews],
    events: [...events].map(([k, e]) => [k, { ...e }]),
    traits: [...traits],
    campaigns: [...campaigns].map(([k, m]) => [k, structuredClone(m)]),
  };
  if (score !== undefined) snap.score = score;
  if (scoreTop !== undefined) snap.scoreTop = scoreTop;
  return snap;
}

/** Rebuilds a live state from a snapshot (the inverse of `toSnapshot`). */
export function fromSnapshot(snap: VisitorSnapshot): VisitorState {
  const { v: _v, sectionViews, events, traits, campaigns, score, scoreTop, ...rest } = structuredClone(snap);
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
