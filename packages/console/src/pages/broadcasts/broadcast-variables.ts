/**
 * The contact values a broadcast text names — `{{name}}`, `{{email}}`, `{{phone}}`,
 * `{{attributes.plan}}`, with an optional fallback `{{name|there}}` — filled in for one contact,
 * as the sender fills them (docs/broadcasts.md): a value without a fallback that the contact
 * lacks skips the contact.
 */

/** A `{{…}}` with the field and its fallback, if any. */
const TAG = /\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g;

/** What the preview knows of a contact. */
export interface SampleContact {
  name: string | null;
  email: string | null;
  phone: string | null;
  attributes?: Record<string, unknown>;
}

/** The text of one field of a contact, spaces folded; '' when it has none. */
function fieldText(contact: SampleContact, field: string): string {
  let raw: unknown;
  if (field === 'name' || field === 'email' || field === 'phone') raw = contact[field];
  else if (field.startsWith('attributes.')) raw = contact.attributes?.[field.slice('attributes.'.length)];
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return '';
  return String(raw).replace(/\s+/g, ' ').trim();
}

/** The text as this contact gets it, or the first field it lacks (and so is skipped for). */
export function fillFor(text: string, contact: SampleContact): { text: string; missing: string | null } {
  let missing: string | null = null;
  const out = text.replace(TAG, (_, field: string, fallback: string | undefined) => {
    const value = fieldText(contact, field);
    if (value) return value;
    if (fallback?.trim()) return fallback.trim();
    missing ??= field;
    return '';
  });
  return { text: out, missing };
}

/** The fields the texts need without a fallback: a contact lacking one of them is skipped. */
export function requiredFields(texts: string[]): string[] {
  const out = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(TAG)) if (!m[2]?.trim() && m[1]) out.add(m[1]);
  return [...out];
}

/** Fields a text names that no contact has: not name, email, phone or attributes.<key>. */
export function unknownFields(text: string): string[] {
  return [...text.matchAll(TAG)]
    .map((m) => m[1] ?? '')
    .filter((f) => !/^(name|email|phone|attributes\.[A-Za-z0-9_-]{1,64})$/.test(f));
}

/** Whether a field can be read from a segment member's own columns (name, email, phone). */
export const isOwnField = (field: string) => field === 'name' || field === 'email' || field === 'phone';
