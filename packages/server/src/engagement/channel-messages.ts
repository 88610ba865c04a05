import type { CampaignTemplate, ProactiveMessage, TemplateBinding } from '@beckon/protocol';
import type { Contact } from '@beckon/protocol/contacts-api';
import type { TemplateValues, WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import { templateMessage, templateView } from '../channels/whatsapp/whatsapp-templates.ts';
import { AppError } from '../errors.ts';
import type { ChannelConnection } from '../store/channel-connections-repo.ts';
import type { Store } from '../store/store.ts';

/** Twilio's limit for one message's body. */
const SMS_MAX = 1600;

const invalid = (path: string, why: string) => new AppError(400, 'invalid_campaign', `${path}: ${why}`);

/**
 * A campaign message on WhatsApp or SMS, checked when the campaign is saved: the connection is
 * the account's and of that kind; a WhatsApp template is approved, one we can send, and every
 * variable is bound; an SMS fits Twilio's limit. Other channels pass. `at` names the engagement (or variant) in faults.
 */
export async function checkChannelMessage(
  store: Store,
  accountId: string,
  m: ProactiveMessage,
  at = '/engagement',
): Promise<void> {
  if (m.channel !== 'whatsapp' && m.channel !== 'sms') return;
  if (!m.connectionId) throw invalid(at + '/connectionId', `required for ${m.channel}`);
  const conn = await store.channelConnections.find(accountId, m.connectionId);
  if (!conn || conn.type !== m.channel)
    throw invalid(at + '/connectionId', `no ${m.channel} connection with this id in this account`);
  if (m.channel === 'sms') {
    if (m.text.length > SMS_MAX) throw invalid(at + '/text', `at most ${SMS_MAX} characters for SMS`);
    return;
  }
  if (!m.template) throw invalid(at + '/template', 'required for whatsapp: an approved template');
  const t = await templateOf(store, conn, m.template);
  if (!t)
    throw invalid(
      at + '/template',
      `no template ${m.template.name} (${m.template.language}) on ${conn.name}: sync the templates`,
    );
  if (t.status !== 'APPROVED') throw invalid(at + '/template', `${t.name} is ${t.status}, not APPROVED`);
  if (t.unsupported) throw invalid(at + '/template', `${t.name}: ${t.unsupported}`);
  const format = t.header?.format ?? 'TEXT';
  if (format === 'LOCATION')
    throw invalid(at + '/template', `${t.name}: a location header is sent from a conversation only`);
  if (format !== 'TEXT' && !m.template.headerMedia)
    throw invalid(
      at + '/template/headerMedia',
      `${t.name} starts with a ${format.toLowerCase()}: give its link`,
    );
  if (format === 'TEXT' && m.template.headerMedia)
    throw invalid(at + '/template/headerMedia', `${t.name} has no media header`);
  for (const part of ['header', 'body'] as const) {
    for (const v of t.variables[part])
      if (!m.template.values?.[part]?.[v])
        throw invalid(`${at}/template/values/${part}/${v}`, 'bind this variable');
  }
}

async function templateOf(
  store: Store,
  conn: ChannelConnection,
  t: CampaignTemplate,
): Promise<WhatsAppTemplate | undefined> {
  const stored = await store.whatsappTemplates.find(conn.accountId, conn.id, t.name, t.language);
  return stored ? templateView(stored) : undefined;
}

/** A binding's value for one contact: fixed text, or the contact's field, else the fallback. */
function boundValue(b: TemplateBinding, contact: Contact): string {
  if ('text' in b) return b.text;
  const raw =
    b.contact === 'name'
      ? contact.name
      : b.contact === 'email'
        ? contact.email
        : b.contact === 'phone'
          ? contact.phone
          : contact.attributes[b.contact.slice('attributes.'.length)];
  const text =
    typeof raw === 'string' || typeof raw === 'number' ? String(raw).replace(/\s+/g, ' ').trim() : '';
  return text || b.fallback;
}

/**
 * The line and outbox payload of a campaign's WhatsApp template for one contact: its bindings
 * filled from the contact. Throws when the template is gone or no longer sendable.
 */
export async function templateFor(
  store: Store,
  conn: ChannelConnection,
  t: CampaignTemplate,
  contact: Contact,
): Promise<{ text: string; template: Record<string, unknown> }> {
  const view = await templateOf(store, conn, t);
  if (!view) throw new Error(`the template ${t.name} (${t.language}) is no longer listed`);
  const values: TemplateValues = {};
  for (const part of ['header', 'body'] as const) {
    const bound = t.values?.[part];
    if (bound)
      values[part] = Object.fromEntries(Object.entries(bound).map(([k, b]) => [k, boundValue(b, contact)]));
  }
  const media = t.headerMedia;
  return templateMessage(
    view,
    values,
    media
      ? { media: { link: media.link, ...(media.filename ? { filename: media.filename } : {}) } }
      : undefined,
  );
}
