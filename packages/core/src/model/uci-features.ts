import { FEATURE_COUNT, FEATURE_INDEX, type UciSession } from './uci-session.ts';

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** Month name (`Feb`, `June`, `September`, any case) to 1–12, NaN when unknown; calendar order lets trees split on seasons. */
export function encodeMonth(month: string): number {
  const key = month.trim().slice(0, 3).toLowerCase();
  return MONTHS[key] ?? Number.NaN;
}

/** Visitor type to a code (new 0, returning 1, other 2), NaN when unknown. */
export function encodeVisitorType(visitorType: string): number {
  switch (visitorType.trim().toLowerCase()) {
    case 'new_visitor':
    case 'new':
      return 0;
    case 'returning_visitor':
    case 'returning':
      return 1;
    case 'other':
      return 2;
    default:
      return Number.NaN;
  }
}

/** Encode a session into `out` (length FEATURE_COUNT) without allocating; unknown values become NaN (missing). */
export function encodeSessionInto(session: Omit<UciSession, 'Revenue'>, out: Float64Array): Float64Array {
  const f = FEATURE_INDEX;
  out[f.Administrative] = session.Administrative;
  out[f.Administrative_Duration] = session.Administrative_Duration;
  out[f.Informational] = session.Informational;
  out[f.Informational_Duration] = session.Informational_Duration;
  out[f.ProductRelated] = session.ProductRelated;
  out[f.ProductRelated_Duration] = session.ProductRelated_Duration;
  out[f.BounceRates] = session.BounceRates;
  out[f.ExitRates] = session.ExitRates;
  out[f.PageValues] = session.PageValues;
  out[f.SpecialDay] = session.SpecialDay;
  out[f.Month] = encodeMonth(session.Month);
  out[f.OperatingSystems] = session.OperatingSystems;
  out[f.Browser] = session.Browser;
  out[f.Region] = session.Region;
  out[f.TrafficType] = session.TrafficType;
  out[f.VisitorType] = encodeVisitorType(session.VisitorType);
  out[f.Weekend] = session.Weekend === null ? Number.NaN : session.Weekend ? 1 : 0;
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const v = out[i];
    if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) out[i] = Number.NaN;
  }
  return out;
}

/** Turn a parsed session into the model's feature vector. */
export function encodeSession(session: Omit<UciSession, 'Revenue'>): Float64Array {
  return encodeSessionInto(session, new Float64Array(FEATURE_COUNT));
}

/** Feature vectors and 0/1 labels of labelled sessions, ready for training or evaluation. */
export function toDataset(sessions: readonly UciSession[]): { features: Float64Array[]; labels: Uint8Array } {
  const features: Float64Array[] = [];
  const labels = new Uint8Array(sessions.length);
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i];
    if (s.Revenue === null) throw new Error(`session ${i + 1} has no Revenue label`);
    features.push(encodeSession(s));
    labels[i] = s.Revenue ? 1 : 0;
  }
  return { features, labels };
}
