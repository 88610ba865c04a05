import { createHmac, timingSafeEqual } from 'node:crypto';

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
  image?: { caption?: string };
  video?: { caption?: string };
  document?: { caption?: string; filename?: string };
  location?: { latitude?: number; longitude?: number; name?: string; address?: string };
  interactive?: { button_reply?: { title?: string }; list_reply?: { title?: string } };
  button?: { text?: string };
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

/**
 * The line an agent sees for a customer's message. Media is not fetched yet: the line says what
 * came, with its caption, so nothing the customer sent goes unseen.
 */
export function lineOf(m: WaMessage): string {
  switch (m.type) {
    case 'text':
      return m.text?.body ?? '';
    case 'image':
    case 'video':
    case 'audio':
    case 'sticker':
    case 'document': {
      const caption = m.image?.caption ?? m.video?.caption ?? m.document?.caption;
      const name = m.document?.filename ? ` "${m.document.filename}"` : '';
      const note = `[The customer sent ${m.type === 'audio' ? 'an' : 'a'} ${m.type}${name}; open WhatsApp to see it.]`;
      return caption ? `${caption}\n${note}` : note;
    }
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

/** The provider's reason in a failed status, for the agent. */
export function statusReason(s: WaStatus): string {
  const e = s.errors?.[0];
  const detail = e?.error_data?.details ?? e?.message ?? e?.title;
  return `WhatsApp could not deliver it${e?.code ? ` (${e.code})` : ''}${detail ? `: ${detail}` : ''}`;
}

/**
 * Whether `header` (X-Hub-Signature-256) is `sha256=` and the HMAC-SHA256 of the raw body keyed by
 * the app secret, compared in constant time; a missing or malformed header is false.
 */
export function validSignature(appSecret: string, raw: Buffer, header: unknown): boolean {
  if (typeof header !== 'string') return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'));
}
