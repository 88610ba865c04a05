/**
 * The parts of a Messenger Platform webhook we read (the `messages`, `messaging_postbacks`,
 * `message_echoes`, `message_deliveries` and `message_reads` fields). Messenger sends
 * `object: "page"`, Instagram `object: "instagram"`; both put events in `entry[].messaging[]`,
 * with the customer's page-scoped id (PSID, or IGSID on Instagram) as `sender.id`.
 */
export interface MetaAttachment {
  type?: string;
  payload?: { url?: string; title?: string; coordinates?: { lat?: number; long?: number } } | null;
  title?: string;
}

export interface MessagingEvent {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: {
    mid?: string;
    text?: string;
    is_echo?: boolean;
    app_id?: number;
    is_deleted?: boolean;
    quick_reply?: { payload?: string };
    attachments?: MetaAttachment[];
  };
  postback?: { mid?: string; title?: string; payload?: string };
  delivery?: { mids?: string[]; watermark?: number };
  read?: { watermark?: number; mid?: string };
}

/** The page (or Instagram account) an entry is for, and its events. */
export interface MessagingEntry {
  id: string;
  events: MessagingEvent[];
}

/** The `messaging` entries of a payload for `object`; anything else (changes, standby) is skipped. */
export function entriesOf(payload: unknown, object: 'page' | 'instagram'): MessagingEntry[] {
  const p = payload as { object?: string; entry?: { id?: unknown; messaging?: unknown }[] };
  if (p?.object !== object || !Array.isArray(p.entry)) return [];
  const out: MessagingEntry[] = [];
  for (const e of p.entry) {
    if (!e || typeof e.id !== 'string' || !Array.isArray(e.messaging)) continue;
    const events = e.messaging.filter((m): m is MessagingEvent => Boolean(m) && typeof m === 'object');
    out.push({ id: e.id, events });
  }
  return out;
}

/** A message's attachments, when it carries a list of them. */
export const attachmentsOf = (e: MessagingEvent): MetaAttachment[] =>
  Array.isArray(e.message?.attachments)
    ? e.message.attachments.filter((a) => a && typeof a === 'object')
    : [];

/** Attachments that are files to download: the others (a location, a shared link) are lines. */
export const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'file']);

/**
 * The line an agent reads for a customer's message, without its files (those are downloaded):
 * the text, what a quick reply or a button said, a location, a shared link.
 */
export function lineOf(e: MessagingEvent): string {
  if (e.postback) {
    const { title, payload } = e.postback;
    return `[The customer tapped "${title ?? payload ?? 'a button'}"${payload && payload !== title ? ` (${payload})` : ''}]`;
  }
  const m = e.message ?? {};
  const parts: string[] = [];
  if (typeof m.text === 'string' && m.text) parts.push(m.text);
  const payload = m.quick_reply?.payload;
  if (typeof payload === 'string' && payload && payload !== m.text) parts.push(`[Quick reply: ${payload}]`);
  for (const a of attachmentsOf(e)) {
    if (MEDIA_TYPES.has(a.type ?? '')) continue;
    const c = a.payload?.coordinates;
    if (a.type === 'location' && c) parts.push(`Location: ${a.title ?? ''} (${c.lat}, ${c.long})`.trim());
    else if (a.payload?.url) parts.push(`[${a.title ?? a.type ?? 'A link'}: ${a.payload.url}]`);
    else parts.push(`[The customer sent a ${a.type ?? 'message'} this inbox cannot show.]`);
  }
  return parts.join('\n');
}
