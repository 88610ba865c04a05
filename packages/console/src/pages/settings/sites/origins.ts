/** Allowed origins are edited as text, one per line; this turns that text into a list or explains what is wrong. */

import { t } from '../../../i18n/i18n.ts';

export type ParsedOrigins = { ok: true; origins: string[] } | { ok: false; error: string };

export function parseOrigins(text: string): ParsedOrigins {
  const origins: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/\/+$/, '');
    if (!line) continue;
    if (!/^https?:\/\/[^/\s?#]+$/i.test(line)) {
      return {
        ok: false,
        error: t('“{line}” is not an origin. Write the scheme and host only, like https://shop.example.com', {
          line: raw.trim(),
        }),
      };
    }
    if (!origins.includes(line)) origins.push(line);
  }
  return { ok: true, origins };
}

export function formatOrigins(origins: string[]): string {
  return origins.join('\n');
}
