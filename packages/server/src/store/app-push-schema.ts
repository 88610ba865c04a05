import type { Millis } from './schema.ts';

/** An app user's token (its SHA-256 only): which contact of which site it signs in. */
export interface AppTokensTable {
  token_hash: string;
  account_id: string;
  site_id: string;
  contact_id: string;
  created_at: Millis;
}

/** A device an app user's replies are pushed to. */
export interface PushDevicesTable {
  site_id: string;
  platform: 'fcm' | 'apns';
  token: string;
  account_id: string;
  contact_id: string;
  created_at: Millis;
}

/** A site's push credentials and how its last delivery went. */
export interface SitePushSettingsTable {
  site_id: string;
  account_id: string;
  /** The FCM service-account key file (JSON text). */
  fcm_service_account: string | null;
  /** APNs credentials as JSON: key, keyId, teamId, bundleId, environment. */
  apns: string | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  last_error_code: string | null;
  last_error: string | null;
  last_error_provider: string | null;
  last_error_at: Millis | null;
  last_success_at: Millis | null;
  updated_at: Millis;
}
