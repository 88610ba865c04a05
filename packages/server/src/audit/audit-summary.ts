/**
 * The short account of a change an audit entry keeps: the request's fields, with secrets, codes and
 * passwords replaced by `[redacted]`, long text cut, URLs reduced to their origin (a Slack or
 * webhook URL may carry a token in its path), and nested values reduced to their shape. At most
 * ~1 KB, so the log stays small and never holds what the change protected.
 */

/** Field names whose values are never written to the audit log. */
const SECRET = /pass|secret|token|key|code|hash|credential|signature|private|cert|otp|recovery|auth/i;
const MAX_TEXT = 120;
const MAX_JSON = 1024;

/** How much of a request an action's entry keeps: its fields' values, or only their names. */
export type SummaryMode = 'values' | 'names';

function scalar(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      try {
        return `${new URL(value).origin}/…`;
      } catch {
        return '[url]';
      }
    }
    return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) {
    const simple = value.every((v) => typeof v === 'string' || typeof v === 'number');
    return simple && value.length <= 10 ? value.map(scalar) : `[${value.length} items]`;
  }
  if (typeof value === 'object')
    return `{${Object.keys(value as object)
      .slice(0, 10)
      .join(', ')}}`;
  return undefined;
}

/** The summary of a request body, or null when it has no fields. */
export function summarize(body: unknown, mode: SummaryMode = 'values'): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (mode === 'names' || SECRET.test(name)) out[name] = '[redacted]';
    else out[name] = scalar(value);
  }
  if (Object.keys(out).length === 0) return null;
  let json = JSON.stringify(out);
  if (json.length > MAX_JSON)
    json = JSON.stringify({ fields: Object.keys(out).slice(0, 40) }).slice(0, MAX_JSON);
  return json;
}
