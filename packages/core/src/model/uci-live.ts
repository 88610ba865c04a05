import { UCI_LIVE_FEATURES } from '../features/live-features.ts';
import { encodeSession } from './uci-features.ts';
import { FEATURE_INDEX, type FeatureName, type UciSession } from './uci-session.ts';

const COLUMNS = UCI_LIVE_FEATURES.map((name) => FEATURE_INDEX[name as FeatureName]);
const VISITOR_TYPE = UCI_LIVE_FEATURES.indexOf('VisitorType');

/**
 * A UCI session as the live model sees it: the thirteen columns a tag reproduces, in live order. The
 * data set's "Other" visitor type has no live counterpart (a visitor is new or returning), so it is missing.
 */
export function encodeUciLive(session: Omit<UciSession, 'Revenue'>): Float64Array {
  const full = encodeSession(session);
  const out = Float64Array.from(COLUMNS, (i) => full[i]!);
  if (out[VISITOR_TYPE] === 2) out[VISITOR_TYPE] = Number.NaN;
  return out;
}

/** Labelled UCI sessions in the live layout: what the cold-start model is trained and evaluated on. */
export function toUciLiveDataset(sessions: readonly UciSession[]): {
  features: Float64Array[];
  labels: Uint8Array;
} {
  const labels = new Uint8Array(sessions.length);
  const features = sessions.map((s, i) => {
    if (s.Revenue === null) throw new Error(`session ${i + 1} has no Revenue label`);
    labels[i] = s.Revenue ? 1 : 0;
    return encodeUciLive(s);
  });
  return { features, labels };
}
