import Type, { type Static, type TObject, type TSchema } from 'typebox';
import type { ValidationError } from './condition-validation.ts';
import { CONTROL_ARM } from './control-arm.ts';

export { CONTROL_ARM };

/** Fewest and most variants an engagement can have. */
export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 5;
/** How far the variants' weights may stray from adding up to 1. */
export const WEIGHT_TOLERANCE = 1e-6;

/**
 * One variant of an engagement: its `key`, its `weight` (share of the visitors not held out as
 * control), and any fields of the engagement it changes. `type` is the engagement's and stays.
 */
export type EngagementVariant<E> = { key: string; weight: number } & Partial<Omit<E, 'type'>>;

const closed = { additionalProperties: false } as const;

/** The schema of a variant of this engagement kind: every field but `type` optional, plus key and weight. */
function variantSchema(engagement: TObject): TSchema {
  const fields: Record<string, TSchema> = {
    key: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
    weight: Type.Number({ minimum: 0, maximum: 1 }),
  };
  for (const [name, schema] of Object.entries(engagement.properties as Record<string, TSchema>)) {
    if (name !== 'type') fields[name] = Type.Optional(schema);
  }
  return Type.Object(fields, closed);
}

/** An engagement schema that may also carry 2–5 variants of itself (`variants`). */
export function withVariants<T extends TObject>(engagement: T) {
  const variants = Type.Optional(
    Type.Unsafe<Array<EngagementVariant<Static<T>>>>(
      Type.Array(variantSchema(engagement), { minItems: MIN_VARIANTS, maxItems: MAX_VARIANTS }),
    ),
  );
  return Type.Object({ ...engagement.properties, variants }, closed) as unknown as TObject<
    T['properties'] & { variants: typeof variants }
  >;
}

/**
 * What the schema cannot say about valid variants: keys unique and not `control`, weights adding
 * up to 1. Faults are pushed with their paths (`/engagement/variants/1/key`).
 */
export function checkVariants(variants: unknown, base: string, errors: ValidationError[]): void {
  if (!Array.isArray(variants)) return;
  const seen = new Set<string>();
  let sum = 0;
  variants.forEach((v: { key?: unknown; weight?: unknown }, i) => {
    if (typeof v?.key === 'string') {
      if (v.key === CONTROL_ARM)
        errors.push({ path: `${base}/${i}/key`, message: `"${CONTROL_ARM}" names the control group` });
      else if (seen.has(v.key))
        errors.push({ path: `${base}/${i}/key`, message: `duplicate key "${v.key}"` });
      seen.add(v.key);
    }
    if (typeof v?.weight === 'number') sum += v.weight;
  });
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE)
    errors.push({ path: base, message: `weights must add up to 1 (they add up to ${round(sum)})` });
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
