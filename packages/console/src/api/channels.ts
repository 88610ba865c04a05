/** The channels' settings: provider connections, e-mail addresses and inbound webhook, routing per channel, and push per site. */
import type {
  ChannelConnection,
  ChannelConnectionInput,
  ChannelConnectionTest,
  ConnectionType,
} from '@beckon/protocol/channel-connections-api';
import type { ChannelSetting, ChannelSettingInput } from '@beckon/protocol/channels-api';
import type { PushSettings, PushSettingsInput } from '@beckon/protocol/messaging-api';
import { request } from './http.ts';
import type { List } from './types.ts';

export type { ChannelSetting, ChannelSettingInput, PushSettings, PushSettingsInput };

export interface EmailAddress {
  address: string;
  siteId: string;
  createdAt: number;
}

/** `GET /api/v1/channels/email`: what the server is set up with, and where mail is received. */
export interface EmailSettings {
  domain: string;
  /** The SMTP listener's port; null when it is off. */
  smtpPort: number | null;
  /** Whether an outgoing mail relay is set, so replies can leave by e-mail. */
  outgoing: boolean;
  addresses: EmailAddress[];
  inbound: { url: string; user: string; secret: string };
}

export function getEmailSettings(): Promise<EmailSettings> {
  return request('GET', '/api/v1/channels/email');
}

/** Whether replies can leave by e-mail (an outgoing mail server is set); any staff member may ask. */
export function getEmailOutgoing(): Promise<{ outgoing: boolean }> {
  return request('GET', '/api/v1/channels/email/outgoing');
}

export function addEmailAddress(siteId: string, address: string): Promise<EmailAddress> {
  return request('POST', '/api/v1/channels/email/addresses', { body: { siteId, address } });
}

export function removeEmailAddress(address: string): Promise<void> {
  return request('DELETE', `/api/v1/channels/email/addresses/${encodeURIComponent(address)}`);
}

export async function listChannelSettings(): Promise<ChannelSetting[]> {
  return (await request<List<ChannelSetting>>('GET', '/api/v1/channels/settings')).items;
}

export async function saveChannelSettings(items: ChannelSettingInput[]): Promise<ChannelSetting[]> {
  return (await request<List<ChannelSetting>>('PUT', '/api/v1/channels/settings', { body: { items } })).items;
}

export function getPushSettings(siteId: string): Promise<PushSettings> {
  return request('GET', `/api/v1/sites/${encodeURIComponent(siteId)}/push`);
}

export function savePushSettings(siteId: string, input: PushSettingsInput): Promise<PushSettings> {
  return request('PUT', `/api/v1/sites/${encodeURIComponent(siteId)}/push`, { body: input });
}

export type { ChannelConnection, ChannelConnectionInput, ChannelConnectionTest, ConnectionType };

export async function listConnections(): Promise<ChannelConnection[]> {
  return (await request<List<ChannelConnection>>('GET', '/api/v1/channels')).items;
}

/** Makes a connection; answers where the provider is to send its webhooks. */
export function createConnection(input: ChannelConnectionInput): Promise<{ id: string; webhookUrl: string }> {
  return request('POST', '/api/v1/channels', { body: input });
}

export function removeConnection(id: string): Promise<void> {
  return request('DELETE', `/api/v1/channels/${encodeURIComponent(id)}`);
}

/** Asks the provider whether the stored credentials work (a refusal is an answer, not an error). */
export function testConnection(id: string): Promise<ChannelConnectionTest> {
  return request('POST', `/api/v1/channels/${encodeURIComponent(id)}/test`);
}
