/**
 * What a WhatsApp template says once its variables are filled, with no schema library attached,
 * so the console's inbox bundles it without TypeBox. `whatsapp-templates.ts` re-exports it.
 */
import type { TemplateValues, WhatsAppTemplate } from './whatsapp-templates.ts';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The variables of a text in the order they first appear (`{{1}}`, `{{order_id}}`). */
export function variablesOf(text: string | null | undefined): string[] {
  const out: string[] = [];
  for (const m of (text ?? '').matchAll(PLACEHOLDER)) if (!out.includes(m[1]!)) out.push(m[1]!);
  // Positional variables are sent in number order, whatever order the text uses them in.
  return out.every((v) => /^\d+$/.test(v)) ? out.sort((a, b) => Number(a) - Number(b)) : out;
}

/** A text with its variables filled; a variable without a value stays as written, so it shows. */
export function fillText(text: string, values: Record<string, string> | undefined): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => {
    const v = values?.[key];
    return v === undefined || v === '' ? whole : v;
  });
}

/** How the history names a media or location header: `[Image: photo.jpg]`. */
export function headerLabel(format: string, what: string | null): string {
  const kind = format.charAt(0) + format.slice(1).toLowerCase();
  return what ? `[${kind}: ${what}]` : `[${kind}]`;
}

/** The text a template sends with these values: header, body and footer, one paragraph each. */
export function renderTemplate(
  t: WhatsAppTemplate,
  values: TemplateValues = {},
  headerWhat?: string | null,
): string {
  const media =
    t.header && t.header.format !== 'TEXT' ? headerLabel(t.header.format, headerWhat ?? null) : null;
  const parts = [
    t.header?.text ? fillText(t.header.text, values.header) : media,
    fillText(t.body, values.body),
    t.footer,
  ].filter((p): p is string => Boolean(p));
  return parts.join('\n\n');
}

/** The first variable with no value, as `header {{1}}` / `body {{2}}`; null when all are filled. */
export function missingVariable(t: WhatsAppTemplate, values: TemplateValues = {}): string | null {
  for (const part of ['header', 'body'] as const) {
    for (const v of t.variables[part]) if (!values[part]?.[v]?.trim()) return `${part} {{${v}}}`;
  }
  return null;
}

/**
 * Why a parameter would be refused by Meta (132018: new lines, tabs, or more than four spaces in
 * a row), or null when it is fine.
 */
export function badParameter(value: string): string | null {
  if (/[\n\r\t]/.test(value)) return 'no new lines or tabs';
  if (/ {5,}/.test(value)) return 'no more than four spaces in a row';
  return null;
}
