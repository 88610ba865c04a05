import type { AppEngagement } from '@beckon/sdk';

/** A campaign's text in the UI's language when the campaign has it, else its default text. */
export function campaignText(e: AppEngagement, field: string, lang: string): string | undefined {
  const translations = e.engagement.translations as Record<string, Record<string, unknown>> | undefined;
  const own = translations?.[lang]?.[field];
  if (typeof own === 'string' && own) return own;
  const base = e.engagement[field];
  return typeof base === 'string' && base ? base : undefined;
}
