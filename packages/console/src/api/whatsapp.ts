import type { ConsentChannel, Consents } from '@beckon/protocol/consents-api';
import type {
  TemplateHeaderLocation,
  TemplateHeaderMedia,
  TemplateValues,
  WhatsAppTemplate,
  WhatsAppTemplates,
  WhatsAppWindow,
} from '@beckon/protocol/whatsapp-templates';
import type { Message } from './conversations.ts';
import { request } from './http.ts';

export type { ConsentChannel, Consents, TemplateValues, WhatsAppTemplate, WhatsAppTemplates, WhatsAppWindow };

const enc = encodeURIComponent;

/** A WhatsApp conversation's 24-hour window and the approved templates of its number. */
export function getWhatsAppWindow(conversationId: string): Promise<WhatsAppWindow> {
  return request('GET', `/api/v1/conversations/${enc(conversationId)}/whatsapp`);
}

/** Sends an approved template with its variables; the line arrives over the socket like any other. */
export function sendTemplate(
  conversationId: string,
  body: {
    echoId: string;
    name: string;
    language: string;
    values: TemplateValues;
    headerMedia?: TemplateHeaderMedia;
    headerLocation?: TemplateHeaderLocation;
  },
): Promise<{ message: Message; duplicate: boolean }> {
  return request('POST', `/api/v1/conversations/${enc(conversationId)}/messages/template`, { body });
}

export function listTemplates(channelId: string): Promise<WhatsAppTemplates> {
  return request('GET', `/api/v1/channels/${enc(channelId)}/templates`);
}

/** Reads the connection's templates from Meta again; `wabaId` adds the account id to an older connection. */
export function syncTemplates(channelId: string, wabaId?: string): Promise<WhatsAppTemplates> {
  return request('POST', `/api/v1/channels/${enc(channelId)}/templates/sync`, {
    body: wabaId ? { wabaId } : {},
  });
}

export function getConsents(contactId: string): Promise<Consents> {
  return request('GET', `/api/v1/contacts/${enc(contactId)}/consents`);
}

export function recordConsent(
  contactId: string,
  channel: ConsentChannel,
  detail?: string,
): Promise<Consents> {
  return request('PUT', `/api/v1/contacts/${enc(contactId)}/consents/${channel}`, {
    body: detail ? { detail } : {},
  });
}

export function withdrawConsent(contactId: string, channel: ConsentChannel): Promise<Consents> {
  return request('DELETE', `/api/v1/contacts/${enc(contactId)}/consents/${channel}`);
}
