/** How contacts are named and their channels read across the contacts pages. */
import type { Contact } from '../../api/contacts.ts';
import { t } from '../../i18n/i18n.ts';

/** A contact as a person reads it: the name, else the e-mail, else the phone. */
export const contactLabel = (c: Pick<Contact, 'name' | 'email' | 'phone' | 'id'>): string =>
  c.name?.trim() ||
  c.email ||
  c.phone ||
  t('Contact {ref}', { ref: c.id.replace(/^contact_/, '').slice(0, 8) });

/** Channel names; the ones that are common nouns are said in the console's language. */
export const CHANNEL_LABELS: Record<string, string> = {
  get web() {
    return t('Web chat');
  },
  app: 'App',
  get email() {
    return t('E-mail');
  },
  api: 'API',
  messenger: 'Messenger',
  whatsapp: 'WhatsApp',
  instagram: 'Instagram',
  telegram: 'Telegram',
  sms: 'SMS',
  get voice() {
    return t('Voice');
  },
};

export const channelName = (channel: string) => CHANNEL_LABELS[channel] ?? channel;
