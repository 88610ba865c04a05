import type { VisitorState } from '@beckon/core';
import type { ShownHere, VisitorSignals, VisitorSignalsLookup } from '../conversations/origin-context.ts';
import type { Store } from '../store/store.ts';
import type { Tracker } from './tracker.ts';
import { restoreVisitor } from './visitor-records.ts';

const signalsOf = (state: VisitorState): VisitorSignals => ({
  ...(state.cart ? { cartTotal: state.cart.total } : {}),
  ...(state.score !== undefined ? { score: state.score } : {}),
});

/**
 * A visitor's cart total and score for the chat queue: from the live state when the visitor's tag
 * is connected to this node, else from the last snapshot in the store (another node holds them, or
 * they were evicted).
 */
export function trackedVisitorSignals(tracker: Tracker, store: Store): VisitorSignalsLookup {
  return async (siteId, visitorId) => {
    const live = tracker.peek(siteId, visitorId);
    if (live) return signalsOf(live.state);
    const stored = await store.visitors.get(siteId, visitorId);
    const restored = stored ? restoreVisitor(stored) : null;
    return restored ? signalsOf(restored.state) : undefined;
  };
}

/** Whether the visitor's live state on this node holds the exposure (see `ShownHere`). */
export function shownByTracker(tracker: Tracker): ShownHere {
  return (siteId, visitorId, exposureId) =>
    tracker.peek(siteId, visitorId)?.state.exposures.some((e) => e.exposureId === exposureId) ?? false;
}
