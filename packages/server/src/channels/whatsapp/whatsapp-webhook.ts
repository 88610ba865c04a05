/**
 * The parts of the WhatsApp Cloud API's webhook payload we read (Meta's "messages" field):
 * `entry[].changes[].value` holds the number it came to, the senders' profiles, their messages,
 * and the statuses of what we sent.
 */
export interface WaChangeValue {
  messaging_product?: string;
  metadata?: { phone_number_id?: string; display_phone_number?: string };
  contacts?: { wa_id?: string; profile?: { name?: string } }[];
  messages?: WaMessage[];
  statuses?: WaStatus[];
}

export interface WaMessage {
  id?: string;
  from?: string;
  timestamp?: string;
  type?: string;
  text?: { body?: string };
  image?: WaMedia;
  video?: WaMedia;
  audio?: WaMedia;
  sticker?: WaMedia;
  document?: WaMedia & { filename?: string };
  location?: { latitude?: number; longitude?: number; name?: string; address?: string };
  interactive?: {
    button_reply?: { id?: string; title?: string };
    list_reply?: { id?: string; title?: string };
  };
  button?: { text?: string; payload?: string };
}

/** A media object of a message: its id (fetched with `GET /{media-id}`), type and caption. */
export interface WaMedia {
  id?: string;
  mime_type?: string;
  caption?: string;
}

export interface WaStatus {
  id?: string;
  status?: string;
  recipient_id?: string;
  errors?: { code?: number; title?: string; message?: string; error_data?: { details?: string } }[];
}

/** The `messages` changes of a payload; anything else (other fields, other objects) is skipped. */
export function changesOf(payload: unknown): { field: string; value: WaChangeValue }[] {
  const p = payload as {
    object?: string;
    entry?: { changes?: { field?: string; value?: WaChangeValue }[] }[];
  };
  if (p?.object !== 'whatsapp_business_account' || !Array.isArray(p.entry)) return [];
  const out: { field: string; value: WaChangeValue }[] = [];
  for (const e of p.entry) {
    for (const c of Array.isArray(e?.changes) ? e.changes : []) {
      if (c && typeof c.field === 'string' && c.value && typeof c.value === 'object')
        out.push({ field: c.field, value: c.value });
    }
  }
  return out;
}

/** The media types a message may carry, and how a note names each. */
const MEDIA_LABELS = {
  image: 'a photo',
  video: 'a video',
  audio: 'a voice message',
  sticker: 'a sticker',
  document: 'a file',
} as const;

/** A message's file, when it carries one: its media id, declared type and how a note names it. */
export function mediaOf(
  m: WaMessage,
): { id: string; mimeType?: string; label: string; name?: string } | null {
  const type = m.type as keyof typeof MEDIA_LABELS;
  if (!(type in MEDIA_LABELS)) return null;
  const media = m[type] as (WaMedia & { filename?: string }) | undefined;
  if (!media?.id) return null;
  const name = media.filename;
  return {
    id: media.id,
    ...(media.mime_type ? { mimeType: media.mime_type } : {}),
    label: name ? `"${name}"` : MEDIA_LABELS[type],
    ...(name ? { name } : {}),
  };
}

/** The line an agent sees for a customer's message; a file comes as the line's attachment. */
export function lineOf(m: WaMessage): string {
  switch (m.type) {
    case 'text':
      return m.text?.body ?? '';
    case 'image':
    case 'video':
    case 'audio':
    case 'sticker':
    case 'document':
      return m.image?.caption ?? m.video?.caption ?? m.document?.caption ?? '';
    case 'location': {
      const l = m.location ?? {};
      const where = [l.name, l.address].filter(Boolean).join(', ');
      return `Location: ${where ? `${where} ` : ''}(${l.latitude}, ${l.longitude})`;
    }
    case 'interactive':
      return m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? '';
    case 'button':
      return m.button?.text ?? '';
    default:
      return `[The customer sent a ${m.type ?? 'message'} this inbox cannot show.]`;
  }
}

/** What a tapped button or list row sends back (its id, a template button's payload), if anything. */
export function payloadOf(m: WaMessage): string | null {
  if (m.type === 'interactive')
    return m.interactive?.button_reply?.id ?? m.interactive?.list_reply?.id ?? null;
  if (m.type === 'button') return m.button?.payload ?? null;
  return null;
}

/** The provider's reason in a failed status, for the agent. */
export function statusReason(s: WaStatus): string {
  const e = s.errors?.[0];
  const detail = e?.error_data?.details ?? e?.message ?? e?.title;
  return `WhatsApp could not deliver it${e?.code ? ` (${e.code})` : ''}${detail ? `: ${detail}` : ''}`;
}
