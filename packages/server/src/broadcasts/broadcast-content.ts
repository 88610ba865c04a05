import type { BroadcastBody, BroadcastContent } from '@beckon/protocol/broadcasts-api';
import type { Contact } from '@beckon/protocol/contacts-api';
import type { WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import { templateView } from '../channels/whatsapp/whatsapp-templates.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../store/store.ts';

/** `{{name}}`, `{{attributes.plan}}`, `{{name|there}}`: a contact's value, with an optional fallback. */
const VARIABLE = /\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g;
const FIELD = /^(name|email|phone|attributes\.[A-Za-z0-9_-]{1,64})$/;

const invalid = (path: string, why: string) => new AppError(400, 'invalid_broadcast', `${path}: ${why}`);

/** The text with the contact's values in, or the first variable the contact has no value for. */
export function render(text: string, contact: Contact): { text: string } | { missing: string } {
  let missing: string | undefined;
  const out = text.replace(VARIABLE, (_, field: string, fallback: string | undefined) => {
    const raw =
      field === 'name' || field === 'email' || field === 'phone'
        ? contact[field]
        : contact.attributes[field.slice('attributes.'.length)];
    const value =
      typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
        ? String(raw).replace(/\s+/g, ' ').trim()
        : '';
    if (value) return value;
    if (fallback?.trim()) return fallback.trim();
    missing ??= field;
    return '';
  });
  return missing === undefined ? { text: out } : { missing };
}

/** Every `{{…}}` of a text names a field a contact has. */
function checkVariables(path: string, text: string): void {
  for (const m of text.matchAll(VARIABLE))
    if (!FIELD.test(m[1]!)) throw invalid(path, `{{${m[1]}}} is not name, email, phone or attributes.<key>`);
}

/** The stored template a broadcast's WhatsApp message names, as the API shows templates. */
export async function broadcastTemplate(
  store: Store,
  accountId: string,
  wa: NonNullable<BroadcastContent['whatsapp']>,
): Promise<WhatsAppTemplate | undefined> {
  const stored = await store.whatsappTemplates.find(
    accountId,
    wa.connectionId,
    wa.template.name,
    wa.template.language,
  );
  return stored ? templateView(stored) : undefined;
}

/**
 * A broadcast as it may be saved: its segment and skill are the account's, every channel of the
 * order has a message, a connection of its kind, an approved template with each variable given,
 * and its time is not in the past. Each fault names its path.
 */
export async function checkBroadcast(
  store: Store,
  accountId: string,
  b: BroadcastBody,
  now: number,
): Promise<{ filter: unknown; scheduledAt: number }> {
  const segment = await store.segments.get(accountId, b.segmentId).catch(() => undefined);
  if (!segment) throw invalid('/segmentId', 'no segment with this id in this account');
  if (b.skillId && !(await store.skills.get(accountId, b.skillId).catch(() => undefined)))
    throw invalid('/skillId', 'no skill with this id in this account');
  let scheduledAt = now;
  if (b.sendAt !== undefined) {
    scheduledAt = Date.parse(b.sendAt);
    // A minute of grace for clocks apart; earlier is a mistake worth saying.
    if (scheduledAt < now - 60_000) throw invalid('/sendAt', 'is in the past');
    scheduledAt = Math.max(scheduledAt, now);
  }
  if (b.localTime && b.sendAt === undefined)
    throw invalid('/localTime', "needs a sendAt: its wall-clock time is used in each contact's zone");
  for (const channel of b.channels)
    if (!b.content[channel]) throw invalid(`/content/${channel}`, 'required: the channel is in the order');
  const { whatsapp, sms, email } = b.content;
  for (const [channel, c] of [
    ['whatsapp', whatsapp],
    ['sms', sms],
  ] as const) {
    if (!c) continue;
    const conn = await store.channelConnections.find(accountId, c.connectionId);
    if (!conn || conn.type !== channel)
      throw invalid(
        `/content/${channel}/connectionId`,
        `no ${channel} connection with this id in this account`,
      );
  }
  for (const channel of ['app', 'push'] as const) {
    const c = b.content[channel];
    if (!c) continue;
    if (!(await store.sites.get(accountId, c.siteId).catch(() => undefined)))
      throw invalid(`/content/${channel}/siteId`, 'no site with this id in this account');
    checkVariables(`/content/${channel}/text`, c.text);
  }
  if (b.content.push) checkVariables('/content/push/title', b.content.push.title);
  if (sms) checkVariables('/content/sms/text', sms.text);
  if (email) {
    checkVariables('/content/email/subject', email.subject);
    checkVariables('/content/email/text', email.text);
    if (email.html) checkVariables('/content/email/html', email.html);
  }
  if (whatsapp) await checkTemplate(store, accountId, whatsapp);
  return { filter: segment.filter, scheduledAt };
}

async function checkTemplate(
  store: Store,
  accountId: string,
  wa: NonNullable<BroadcastContent['whatsapp']>,
): Promise<void> {
  const at = '/content/whatsapp/template';
  const t = await broadcastTemplate(store, accountId, wa);
  if (!t) throw invalid(at, `no template ${wa.template.name} (${wa.template.language}): sync the templates`);
  if (t.status !== 'APPROVED') throw invalid(at, `${t.name} is ${t.status}, not APPROVED`);
  if (t.unsupported) throw invalid(at, `${t.name}: ${t.unsupported}`);
  if ((t.header?.format ?? 'TEXT') !== 'TEXT')
    throw invalid(at, `${t.name} has a media header: broadcasts send templates with a text header or none`);
  for (const part of ['header', 'body'] as const) {
    const given = wa.template.variables?.[part] ?? {};
    for (const v of t.variables[part]) {
      const text = given[v];
      if (!text) throw invalid(`${at}/variables/${part}/${v}`, 'give this variable a text');
      checkVariables(`${at}/variables/${part}/${v}`, text);
    }
  }
}
