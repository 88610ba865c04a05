import { type Static, Type } from 'typebox';

/** An account's own rule: text its pattern matches is replaced, as written, before it is stored. */
export const MaskPattern = Type.Object(
  {
    /** What the rule hides, for the people who read the settings ("Customer number"). */
    name: Type.String({ minLength: 1, maxLength: 80 }),
    /** A JavaScript regular expression that runs in linear time (no backreferences or lookarounds). */
    pattern: Type.String({ minLength: 1, maxLength: 500 }),
    /** `i` matches letters in either case. */
    flags: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('i')])),
    /** Put in place of each match, literally (`$1` is not expanded). */
    replacement: Type.String({ maxLength: 100 }),
  },
  { additionalProperties: false },
);
export type MaskPattern = Static<typeof MaskPattern>;

/** What an account masks in every message before it is stored. */
export const MaskingSettings = Type.Object(
  {
    /** Card numbers (13–19 digits passing the Luhn check) keep their last four: `•••• 4242`. */
    cards: Type.Boolean(),
    /** IBANs (ISO 13616: the country's length and the mod-97 check) keep their last four. */
    ibans: Type.Boolean(),
    patterns: Type.Array(MaskPattern, { maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type MaskingSettings = Static<typeof MaskingSettings>;

/** Cards and IBANs masked, no patterns of the account's own: every account starts so. */
export const DEFAULT_MASKING: MaskingSettings = { cards: true, ibans: true, patterns: [] };
