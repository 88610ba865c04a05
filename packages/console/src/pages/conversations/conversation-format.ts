/** How conversations are described across the workspace and the history. */

import { knownContact } from '../../api/contact-names.ts';
import type { Conversation, Message } from '../../api/conversations.ts';
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
  return `Visitor ${shortId(c.visitorId ?? c.id.replace(/^conv_/, ''))}`;
}

export const STATUS_LABELS: Record<Conversation['status'], string> = {
  queued: 'Waiting',
  offered: 'Offered',
  active: 'Active',
  closed: 'Closed',
  offline: 'Offline message',
};

/** Where the customer writes from. */
export const CHANNEL_LABELS: Record<Conversation['channel'], string> = {
  web: 'Web chat',
  app: 'In-app',
  email: 'E-mail',
  api: 'API',
  messenger: 'Messenger',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
  sms: 'SMS',
  voice: 'Voice',
};

/** How a customer reached us on a channel, after "Wrote" or "came". */
export const CHANNEL_HOW: Record<Conversation['channel'], string> = {
  web: 'in the web chat',
  app: 'in the app',
  email: 'by e-mail',
  api: 'through the API',
  messenger: 'on Messenger',
  whatsapp: 'on WhatsApp',
  instagram: 'on Instagram',
  telegram: 'on Telegram',
  sms: 'by SMS',
  voice: 'by phone',
};

export const SOURCE_LABELS: Record<Conversation['source'], string> = {
  invitation: 'Accepted an invitation',
  button: 'Clicked a chat button',
  visitor: 'Opened the chat',
  offline_form: 'Left an offline message',
  api: 'Started through the API',
};

/** How a conversation began: the web chat's way in ("Clicked a chat button"), else its channel ("Wrote on WhatsApp"). */
export const howStarted = (c: Pick<Conversation, 'channel' | 'source'>): string =>
  c.channel === 'web' ? SOURCE_LABELS[c.source] : `Wrote ${CHANNEL_HOW[c.channel]}`;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });

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
  if (date.toDateString() === today.toDateString()) return 'Today';
  const yesterday = new Date(now - 86_400_000);
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
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

/** The one-line preview of a message in the inbox. */
export function messagePreview(m: Message | undefined, myId: string | null): string {
  if (!m) return '';
  const text = m.text.replace(/\s+/g, ' ').trim() || (m.attachments.length > 0 ? 'Sent a file' : '');
  switch (m.senderKind) {
    case 'visitor':
      return text;
    case 'note':
      return `Note: ${text}`;
    case 'system':
      return text;
    case 'agent':
      return m.senderId === myId ? `You: ${text}` : `${m.senderName ?? 'Agent'}: ${text}`;
    case 'invitation':
      return `Invitation: ${text}`;
    case 'bot':
      return `${m.senderName ?? 'Bot'} (bot): ${text}`;
  }
}

/** Skill and topic for a subtitle, the topic left out when it only repeats the skill's name. */
export function skillAndTopic(skill: string | null, topic: string | null): string[] {
  const same = skill && topic && skill.trim().toLowerCase() === topic.trim().toLowerCase();
  return [skill, same ? null : topic].filter((x): x is string => Boolean(x));
}
