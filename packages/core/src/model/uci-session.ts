/**
 * One browsing session in the shape of the UCI "Online Shoppers Purchasing Intention" data set.
 * Numeric fields are NaN when unknown; `Revenue` is null when the source has no label.
 */
export interface UciSession {
  Administrative: number;
  Administrative_Duration: number;
  Informational: number;
  Informational_Duration: number;
  ProductRelated: number;
  ProductRelated_Duration: number;
  BounceRates: number;
  ExitRates: number;
  PageValues: number;
  SpecialDay: number;
  /** Short or long English month name (`Feb`, `June`, `December`); '' when unknown. */
  Month: string;
  OperatingSystems: number;
  Browser: number;
  Region: number;
  TrafficType: number;
  /** `Returning_Visitor`, `New_Visitor` or `Other`; '' when unknown. */
  VisitorType: string;
  /** null when unknown. */
  Weekend: boolean | null;
  /** The label: did the session end in a purchase (null when unlabelled). */
  Revenue: boolean | null;
}

/** The 17 model inputs, in feature-vector order (the UCI column names). */
export const FEATURE_NAMES = [
  'Administrative',
  'Administrative_Duration',
  'Informational',
  'Informational_Duration',
  'ProductRelated',
  'ProductRelated_Duration',
  'BounceRates',
  'ExitRates',
  'PageValues',
  'SpecialDay',
  'Month',
  'OperatingSystems',
  'Browser',
  'Region',
  'TrafficType',
  'VisitorType',
  'Weekend',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Number of entries in a feature vector. */
export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Position of each feature in the vector, so hot paths can fill a reused Float64Array directly. */
export const FEATURE_INDEX: Readonly<Record<FeatureName, number>> = Object.freeze(
  Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, i])) as Record<FeatureName, number>,
);

/** Columns of the UCI file whose values are numbers. */
export const NUMERIC_COLUMNS = [
  'Administrative',
  'Administrative_Duration',
  'Informational',
  'Informational_Duration',
  'ProductRelated',
  'ProductRelated_Duration',
  'BounceRates',
  'ExitRates',
  'PageValues',
  'SpecialDay',
  'OperatingSystems',
  'Browser',
  'Region',
  'TrafficType',
] as const satisfies readonly (keyof UciSession)[];
