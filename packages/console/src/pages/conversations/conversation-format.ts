import { readMergeLine } from '@beckon/protocol/chat-lines';
/** How conversations are described across the workspace and the history. */

import { knownContact } from '../../api/contact-names.ts';
import type { Conversation, Message } from '../../api/conversations.ts';
import { currentLocale, t } from '../../i18n/i18n.ts';
import { shortId } from '../visitors/visitor-format.ts';

/**
 * The visitor as a person reads it: the name they gave, else their contact's name, else an
 * e-mail, else a short id. The contact is read from what the list fetched (`useContactNames`).
 */
export function visitorLabel(
  c: Pick<Conversation, 'visitorName' | 'visitorEmail' | 'visitorId' | 'id'> & { contactId?: string | null },
): string {
  const name = c.visitorName?.trim();
  if (name) return name;
  const contact = knownContact(c.contactId, c.visitorId);
  if (contact?.name) return contact.name;
  const email = c.visitorEmail?.trim() || contact?.email;
  if (email) return email;
  return t('Visitor {id}', { id: shortId(c.visitorId ?? c.id.replace(/^conv_/, '')) });
}

export const STATUS_LABELS: Record<Conversation['status'], string> = {
  get queued() {
    return t('Waiting');
  },
  get offered() {
    return t('Offered');
  },
  get active() {
    return t('Active');
  },
  get closed() {
    return t('Closed');
  },
  get offline() {
    return t('Offline message');
  },
};

/** Channels named by their brand, the same in every language and place in a sentence. */
const CHANNEL_NAMES = {
  api: 'API',
  messenger: 'Messenger',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
  sms: 'SMS',
} as const;

/** Where the customer writes from. */
export const CHANNEL_LABELS: Record<Conversation['channel'], string> = {
  get web() {
    return t('Web chat');
  },
  get app() {
    return t('In-app');
  },
  get email() {
    return t('E-mail');
  },
  ...CHANNEL_NAMES,
  get voice() {
    return t('Voice');
  },
};

/** A channel's name inside a sentence ("Merged with the e-mail conversation"): lower case where it is no name. */
export const CHANNEL_IN_SENTENCE: Record<Conversation['channel'], string> = {
  ...CHANNEL_NAMES,
  get web() {
    return t('web chat');
  },
  get app() {
    return t('in-app');
  },
  get email() {
    return t('e-mail');
  },
  get voice() {
    return t('voice');
  },
};

/** How a customer reached us on a channel ("This conversation came by e-mail"). */
export const CHANNEL_HOW: Record<Conversation['channel'], string> = {
  get web() {
    return t('in the web chat');
  },
  get app() {
    return t('in the app');
  },
  get email() {
    return t('by e-mail');
  },
  get api() {
    return t('through the API');
  },
  get messenger() {
    return t('on Messenger');
  },
  get whatsapp() {
    return t('on WhatsApp');
  },
  get instagram() {
    return t('on Instagram');
  },
  get telegram() {
    return t('on Telegram');
  },
  get sms() {
    return t('by SMS');
  },
  get voice() {
    return t('by phone');
  },
};

export const SOURCE_LABELS: Record<Conversation['source'], string> = {
  get invitation() {
    return t('Accepted an invitation');
  },
  get button() {
    return t('Clicked a chat button');
  },
  get visitor() {
    return t('Opened the chat');
  },
  get offline_form() {
    return t('Left an offline message');
  },
  get api() {
    return t('Started through the API');
  },
};

/** How a conversation began: the web chat's way in ("Clicked a chat button"), else its channel ("Wrote on WhatsApp"). */
export const howStarted = (c: Pick<Conversation, 'channel' | 'source'>): string =>
  c.channel === 'web' ? SOURCE_LABELS[c.source] : wroteOn(c.channel);

/** "Wrote on WhatsApp": a whole sentence per channel, as languages place the verb differently. */
function wroteOn(channel: Conversation['channel']): string {
  switch (channel) {
    case 'web':
      return t('Wrote in the web chat');
    case 'app':
      return t('Wrote in the app');
    case 'email':
      return t('Wrote by e-mail');
    case 'api':
      return t('Wrote through the API');
    case 'messenger':
      return t('Wrote on Messenger');
    case 'whatsapp':
      return t('Wrote on WhatsApp');
    case 'instagram':
      return t('Wrote on Instagram');
    case 'telegram':
      return t('Wrote on Telegram');
    case 'sms':
      return t('Wrote by SMS');
    case 'voice':
      return t('Wrote by phone');
  }
}

/** The console's locale, for one formatter per locale and options (building one is slow). */
const formats = new Map<string, Intl.DateTimeFormat>();
function format(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${currentLocale()}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(currentLocale(), options);
    formats.set(key, f);
  }
  return f;
}
const timeFormat = { format: (d: Date) => format({ hour: '2-digit', minute: '2-digit' }).format(d) };
const weekdayFormat = { format: (d: Date) => format({ weekday: 'short' }).format(d) };
const shortDateFormat = { format: (d: Date) => format({ month: 'short', day: 'numeric' }).format(d) };
const dayFormat = {
  format: (d: Date) => format({ weekday: 'long', month: 'long', day: 'numeric' }).format(d),
};

/** "14:05" today, "Tue" this week, "Mar 3" before: for list rows. */
export function formatListTime(iso: string | null, now = Date.now()): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return timeFormat.format(date);
  if (now - date.getTime() < 6 * 86_400_000) return weekdayFormat.format(date);
  return shortDateFormat.format(date);
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}

/** "Today", "Yesterday", "Monday, March 3": the separators between days in a chat. */
export function formatDay(iso: string, now = Date.now()): string {
  const date = new Date(iso);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return t('Today');
  const yesterday = new Date(now - 86_400_000);
  if (date.toDateString() === yesterday.toDateString()) return t('Yesterday');
  return dayFormat.format(date);
}

/** 75 → "1:15", 3725 → "1:02:05": a ticking wait clock. */
export function formatWait(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * A merge's or its undo's line in the agent's language (stored in English); null for other lines.
 * Components that show it call `useT()`, so it is worded again when the language changes.
 */
export function mergeLineText(m: Message): string | null {
  const line = readMergeLine(m);
  if (!line) return null;
  if (line.kind === 'unmerged')
    return t('Merge undone: conversation {id} stands alone again.', { id: line.conversationId });
  return t('Merged with the {channel} conversation {id}: its messages are shown in this thread.', {
    channel: CHANNEL_IN_SENTENCE[line.channel as keyof typeof CHANNEL_IN_SENTENCE] ?? line.channel,
    id: line.conversationId,
  });
}

/** The one-line preview of a message in the inbox. */
export function messagePreview(m: Message | undefined, myId: string | null): string {
  if (!m) return '';
  const text =
    (mergeLineText(m) ?? m.text).replace(/\s+/g, ' ').trim() ||
    (m.attachments.length > 0 ? t('Sent a file') : '');
  switch (m.senderKind) {
    case 'visitor':
      return text;
    case 'note':
      return t('Note: {text}', { text });
    case 'system':
      return text;
    case 'agent':
      return m.senderId === myId
        ? t('You: {text}', { text })
        : t('{name}: {text}', { name: m.senderName ?? t('Agent'), text });
    case 'invitation':
      return t('Invitation: {text}', { text });
    case 'bot':
      return t('{name} (bot): {text}', { name: m.senderName ?? t('Bot'), text });
  }
}

/** Skill and topic for a subtitle, the topic left out when it only repeats the skill's name. */
export function skillAndTopic(skill: string | null, topic: string | null): string[] {
  const same = skill && topic && skill.trim().toLowerCase() === topic.trim().toLowerCase();
  return [skill, same ? null : topic].filter((x): x is string => Boolean(x));
}
