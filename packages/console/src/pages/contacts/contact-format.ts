/** How contacts are named and their channels read across the contacts pages. */
import type { Contact } from '../../api/contacts.ts';

/** A contact as a person reads it: the name, else the e-mail, else the phone. */
export const contactLabel = (c: Pick<Contact, 'name' | 'email' | 'phone' | 'id'>): string =>
  c.name?.trim() || c.email || c.phone || `Contact ${c.id.replace(/^contact_/, '').slice(0, 8)}`;

export const CHANNEL_LABELS: Record<string, string> = {
  web: 'Web chat',
  app: 'App',
  email: 'E-mail',
  api: 'API',
  messenger: 'Messenger',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
  sms: 'SMS',
  voice: 'Voice',
};

export const channelName = (channel: string) => CHANNEL_LABELS[channel] ?? channel;
