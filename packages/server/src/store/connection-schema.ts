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
