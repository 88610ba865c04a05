import type { Millis } from './schema.ts';

/** The providers a connection can be made to. */
export type ConnectionType = 'whatsapp' | 'messenger' | 'instagram' | 'telegram' | 'sms';

/** One connection of an account to a provider (see 0021-channel-connections.ts). */
export interface ChannelConnectionsTable {
  /** `chn_…`: also the last part of its webhook URL. */
  id: string;
  account_id: string;
  type: ConnectionType;
  name: string;
  /** JSON object: the provider's credentials and ids, secrets included. */
  config: string;
  /** The provider's API root, when not its public one (a local server, a proxy). */
  api_base_url: string | null;
  default_skill_id: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A platform id naming a contact (a Telegram user id…): kind and value, unique per account. */
export interface ContactIdentitiesTable {
  account_id: string;
  kind: string;
  value: string;
  contact_id: string;
  created_at: Millis;
}

/** A WhatsApp message template as Meta last listed it for a connection (see 0023-templates-consent.ts). */
export interface WhatsAppTemplatesTable {
  account_id: string;
  connection_id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  /** JSON: Meta's `components` and `parameter_format`, as listed. */
  components: string;
  synced_at: Millis;
}

/** A contact's opt-in to messages on a channel (`whatsapp`, `sms`): who recorded it, and when. */
export interface ContactConsentsTable {
  account_id: string;
  contact_id: string;
  channel: string;
  /** `customer_message` (they wrote first), `console` (an admin recorded it) or `api`. */
  source: string;
  /** What the caller said about it (a form's name, a checkbox's words), when it said. */
  detail: string | null;
  created_at: Millis;
}
