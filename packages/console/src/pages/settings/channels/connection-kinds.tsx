/** The providers a channel connects to: their names, marks, and whether Beckon carries them yet. */
import type { ConnectionType } from '../../../api/channels.ts';
import { t } from '../../../i18n/i18n.ts';

export interface ConnectionKind {
  type: ConnectionType;
  label: string;
  /** One line on what it connects. */
  blurb: string;
  /** False while the server has no connector for it: shown, but not offered. */
  available: boolean;
}

// Getters: each read gives the blurb in the console's language at that moment.
export const CONNECTION_KINDS: ConnectionKind[] = [
  {
    type: 'whatsapp',
    label: 'WhatsApp',
    get blurb() {
      return t('A WhatsApp Business number (Cloud API)');
    },
    available: true,
  },
  {
    type: 'telegram',
    label: 'Telegram',
    get blurb() {
      return t('A Telegram bot from @BotFather');
    },
    available: true,
  },
  {
    type: 'messenger',
    label: 'Messenger',
    get blurb() {
      return t("A Facebook page's inbox");
    },
    available: true,
  },
  {
    type: 'instagram',
    label: 'Instagram',
    get blurb() {
      return t('Direct messages of an Instagram professional account');
    },
    available: true,
  },
  {
    type: 'sms',
    label: 'SMS',
    get blurb() {
      return t('Text messages through Twilio');
    },
    available: true,
  },
];

export const kindOf = (type: ConnectionType): ConnectionKind =>
  CONNECTION_KINDS.find((k) => k.type === type) ?? {
    type,
    label: type,
    blurb: '',
    available: false,
  };

const MARKS: Record<ConnectionType, string> = {
  whatsapp: 'WA',
  telegram: 'TG',
  messenger: 'M',
  instagram: 'IG',
  sms: 'SMS',
};

/** A small coloured tile with the provider's initials; the label next to it names the provider. */
export function ConnectionMark({ type }: { type: ConnectionType }) {
  return (
    <span className={`connection-mark connection-mark-${type}`} aria-hidden="true">
      {MARKS[type]}
    </span>
  );
}
