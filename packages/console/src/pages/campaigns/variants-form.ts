/** The editor's variants: what their inputs hold, how they are checked, and how they become the API's `variants`. */
import type { AnyEngagementVariant, Engagement } from '../../api/types.ts';
import { t } from '../../i18n/i18n.ts';
import type { EngagementType } from './campaign-form.ts';

export const MAX_VARIANTS = 5;

let uids = 0;
const uid = () => `variant-${++uids}`;

/** One variant as the form holds it: texts as typed (empty: the engagement's own), its weight in percent. */
export interface VariantForm {
  /** A stable id for the list's rows (the key can be edited). */
  uid: string;
  key: string;
  /** Share of the visitors not held out, in percent (the weights add up to 100). */
  weightPercent: string;
  /** Overridden fields by name; an empty text keeps the engagement's. */
  fields: Record<string, string>;
  /** Fields this form does not edit (translations, a skill): kept as they were saved. */
  kept: Record<string, unknown>;
}

/** A field a variant may change, for the engagement kind. */
export interface VariantField {
  name: string;
  label: string;
  long?: boolean;
  /** A choice instead of a text: value and label. */
  options?: [string, string][];
}

/** The fields a variant of this engagement kind can change in the editor. */
export function variantFields(type: EngagementType): VariantField[] {
  switch (type) {
    case 'chat_invitation':
      return [
        { name: 'message', label: t('Message'), long: true },
        {
          name: 'style',
          label: t('Style'),
          options: [
            ['toaster', t('Toaster (corner)')],
            ['overlay', t('Overlay (centre)')],
          ],
        },
      ];
    case 'chat_button':
    case 'call':
    case 'callback':
      return [{ name: 'label', label: t('Button label') }];
    case 'content':
      return [
        { name: 'title', label: t('Title') },
        { name: 'text', label: t('Text'), long: true },
        { name: 'ctaLabel', label: t('Button label') },
        { name: 'imageUrl', label: t('Image URL') },
      ];
    case 'message':
      return [
        { name: 'subject', label: t('Subject') },
        { name: 'text', label: t('Text'), long: true },
      ];
  }
}

/** The form's variants of a saved engagement (none when it has none). */
export function variantsFromEngagement(e: Engagement): VariantForm[] {
  return (e.variants ?? []).map((v) => {
    const { key, weight, ...rest } = v as AnyEngagementVariant & Record<string, unknown>;
    const fields: Record<string, string> = {};
    const kept: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(rest)) {
      if (typeof value === 'string') fields[name] = value;
      else kept[name] = value;
    }
    return { uid: uid(), key, weightPercent: String(Math.round(weight * 100_000) / 1000), fields, kept };
  });
}

/** A new variant: the next free letter as its key, the weights spread evenly. */
export function addVariant(list: readonly VariantForm[]): VariantForm[] {
  const used = new Set(list.map((v) => v.key));
  const key = [...'ABCDEFGHIJ'].find((k) => !used.has(k)) ?? `V${list.length + 1}`;
  return evenWeights([...list, { uid: uid(), key, weightPercent: '', fields: {}, kept: {} }]);
}

/** The same variants with equal weights that add up to 100 (the last takes the rounding). */
export function evenWeights(list: readonly VariantForm[]): VariantForm[] {
  const each = Math.floor((100 / list.length) * 100) / 100;
  return list.map((v, i) => ({
    ...v,
    weightPercent: String(
      i === list.length - 1 ? Math.round((100 - each * (list.length - 1)) * 100) / 100 : each,
    ),
  }));
}

/** The weights' sum in percent (NaN when one is not a number). */
export function weightSum(list: readonly VariantForm[]): number {
  return list.reduce(
    (sum, v) => sum + (v.weightPercent.trim() === '' ? Number.NaN : Number(v.weightPercent)),
    0,
  );
}

/** What is wrong with the variants, in words; null when nothing (or when there are none). */
export function variantsError(list: readonly VariantForm[]): string | null {
  if (list.length === 0) return null;
  if (list.length === 1) return t('Add a second variant, or remove this one: a test needs two.');
  const keys = new Set<string>();
  for (const v of list) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(v.key))
      return t('Name each variant with up to 32 letters, digits, - or _.');
    if (v.key === 'control') return t('“control” names the control group; choose another name.');
    if (keys.has(v.key)) return t('Two variants are named “{key}”; each needs its own name.', { key: v.key });
    keys.add(v.key);
    const w = Number(v.weightPercent);
    if (v.weightPercent.trim() === '' || !Number.isFinite(w) || w < 0 || w > 100)
      return t('Give each variant a weight from 0 to 100 %.');
  }
  const sum = weightSum(list);
  if (Math.abs(sum - 100) > 1e-4)
    return t('The weights add up to {sum} %; they must add up to 100 %.', {
      sum: Math.round(sum * 100) / 100,
    });
  return null;
}

/** The API's `variants` for the form's list (call `variantsError` first); undefined when there are none. */
export function variantsOf(
  list: readonly VariantForm[],
  type: EngagementType,
): AnyEngagementVariant[] | undefined {
  if (list.length === 0) return undefined;
  const names = new Set(variantFields(type).map((f) => f.name));
  return list.map((v) => {
    const fields = Object.fromEntries(
      Object.entries(v.fields).flatMap(([name, value]) =>
        names.has(name) && value.trim() ? [[name, value.trim()]] : [],
      ),
    );
    return {
      ...v.kept,
      ...fields,
      key: v.key,
      weight: Number(v.weightPercent) / 100,
    } as AnyEngagementVariant;
  });
}
