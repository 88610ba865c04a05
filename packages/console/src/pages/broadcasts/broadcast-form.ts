/** The broadcast editor's form: its fields, what the browser checks before sending, and the body it sends. */
import type { BroadcastBody, BroadcastChannel, BroadcastPatch, BroadcastView } from '../../api/broadcasts.ts';
import { ApiError, asSentence, errorMessage } from '../../api/http.ts';
import { t } from '../../i18n/i18n.ts';
import { faultsIn } from '../campaigns/campaign-form.ts';
import { channelLabel } from './broadcast-text.ts';
import { unknownFields } from './broadcast-variables.ts';

export interface WhatsAppForm {
  connectionId: string;
  template: { name: string; language: string } | null;
  /** A text per variable, by part; each may name the contact's values. */
  variables: { header: Record<string, string>; body: Record<string, string> };
}

export interface BroadcastForm {
  name: string;
  segmentId: string;
  channels: BroadcastChannel[];
  whatsapp: WhatsAppForm;
  sms: { connectionId: string; text: string };
  email: { subject: string; text: string; html: string };
  app: { siteId: string; text: string };
  push: { siteId: string; title: string; text: string };
  skillId: string;
  holdoutPercent: string;
  when: 'now' | 'later';
  /** `YYYY-MM-DD` and `HH:MM` in the browser's time zone. */
  date: string;
  time: string;
}

/** Field keys faults are shown on. */
export type FormErrors = Partial<Record<string, string>>;

const pad = (n: number) => String(n).padStart(2, '0');
const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localTime = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

export function emptyForm(now = new Date()): BroadcastForm {
  // A schedule starts tomorrow at ten, a time people send news at.
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 10, 0);
  return {
    name: '',
    segmentId: '',
    channels: ['sms'],
    whatsapp: { connectionId: '', template: null, variables: { header: {}, body: {} } },
    sms: { connectionId: '', text: '' },
    email: { subject: '', text: '', html: '' },
    app: { siteId: '', text: '' },
    push: { siteId: '', title: '', text: '' },
    skillId: '',
    holdoutPercent: '10',
    when: 'now',
    date: localDate(tomorrow),
    time: localTime(tomorrow),
  };
}

/**
 * A saved broadcast in the form, to change it: its channels' texts, holdout and skill, and its time
 * as "later" while that is still ahead (a draft saved to go now stays "now").
 */
export function formOf(b: BroadcastView, now = new Date()): BroadcastForm {
  const empty = emptyForm(now);
  const { whatsapp, sms, email, app, push } = b.content;
  const at = new Date(b.sendAt);
  const later = at.getTime() > now.getTime();
  return {
    ...empty,
    name: b.name,
    segmentId: b.segmentId,
    channels: b.channels as BroadcastChannel[],
    whatsapp: whatsapp
      ? {
          connectionId: whatsapp.connectionId,
          template: { name: whatsapp.template.name, language: whatsapp.template.language },
          variables: {
            header: { ...whatsapp.template.variables?.header },
            body: { ...whatsapp.template.variables?.body },
          },
        }
      : empty.whatsapp,
    sms: sms ? { ...sms } : empty.sms,
    email: email ? { subject: email.subject, text: email.text, html: email.html ?? '' } : empty.email,
    app: app ? { ...app } : empty.app,
    push: push ? { ...push } : empty.push,
    skillId: b.skillId ?? '',
    holdoutPercent: String(b.holdoutPercent),
    when: later ? 'later' : 'now',
    ...(later ? { date: localDate(at), time: localTime(at) } : {}),
  };
}

/** The moment the date and time fields name, in the browser's time zone; NaN when incomplete. */
export function sendAtOf(form: BroadcastForm): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.date) || !/^\d{2}:\d{2}$/.test(form.time)) return Number.NaN;
  const [y, m, d] = form.date.split('-').map(Number);
  const [h, min] = form.time.split(':').map(Number);
  return new Date(y!, m! - 1, d!, h!, min!).getTime();
}

function textFaults(errors: FormErrors, key: string, text: string, required: boolean, max: number) {
  if (required && !text.trim()) errors[key] = t('Write this text.');
  else if (text.length > max) errors[key] = t('At most {max} characters.', { max });
  else {
    const bad = unknownFields(text);
    if (bad.length)
      errors[key] = t(
        '{field} names no contact value: use name, email, phone or an attribute such as attributes.plan.',
        {
          field: `{{${bad[0]}}}`,
        },
      );
  }
}

/** What the browser can tell is wrong before asking the server, by field key. */
export function formErrors(
  form: BroadcastForm,
  templateVariables: { header: string[]; body: string[] } | null,
  now = Date.now(),
): FormErrors {
  const errors: FormErrors = {};
  if (!form.name.trim()) errors.name = t('Give the broadcast a name.');
  if (!form.segmentId) errors.segmentId = t('Choose who gets it.');
  if (form.channels.length === 0) errors.channels = t('Add at least one channel.');
  const holdout = Number(form.holdoutPercent);
  if (!/^\d+$/.test(form.holdoutPercent.trim()) || holdout < 0 || holdout > 50)
    errors.holdoutPercent = t('A whole number from 0 to 50.');
  if (form.when === 'later') {
    const at = sendAtOf(form);
    if (Number.isNaN(at)) errors.sendAt = t('Choose a date and a time.');
    else if (at < now) errors.sendAt = t('This time has passed. Choose a later one, or send now.');
  }
  if (form.channels.includes('whatsapp')) {
    const wa = form.whatsapp;
    if (!wa.connectionId) errors['whatsapp.connectionId'] = t('Choose a WhatsApp number.');
    else if (!wa.template) errors['whatsapp.template'] = t('Choose an approved template.');
    else if (templateVariables)
      for (const part of ['header', 'body'] as const)
        for (const v of templateVariables[part])
          textFaults(errors, `whatsapp.${part}.${v}`, wa.variables[part][v] ?? '', true, 1024);
  }
  if (form.channels.includes('sms')) {
    if (!form.sms.connectionId) errors['sms.connectionId'] = t('Choose an SMS connection.');
    textFaults(errors, 'sms.text', form.sms.text, true, 1600);
  }
  if (form.channels.includes('email')) {
    textFaults(errors, 'email.subject', form.email.subject, true, 200);
    textFaults(errors, 'email.text', form.email.text, true, 100_000);
    textFaults(errors, 'email.html', form.email.html, false, 200_000);
  }
  if (form.channels.includes('app')) {
    if (!form.app.siteId) errors['app.siteId'] = t('Choose the site whose app shows it.');
    textFaults(errors, 'app.text', form.app.text, true, 4000);
  }
  if (form.channels.includes('push')) {
    if (!form.push.siteId) errors['push.siteId'] = t('Choose the site whose app shows it.');
    textFaults(errors, 'push.title', form.push.title, true, 100);
    textFaults(errors, 'push.text', form.push.text, true, 1000);
  }
  return errors;
}

/** The body the server takes: only the channels of the order carry content. */
export function broadcastInput(form: BroadcastForm, status: 'draft' | 'scheduled'): BroadcastBody {
  const content: BroadcastBody['content'] = {};
  for (const channel of form.channels) {
    if (channel === 'whatsapp' && form.whatsapp.template) {
      const { header, body } = form.whatsapp.variables;
      const variables = {
        ...(Object.keys(header).length ? { header } : {}),
        ...(Object.keys(body).length ? { body } : {}),
      };
      content.whatsapp = {
        connectionId: form.whatsapp.connectionId,
        template: { ...form.whatsapp.template, ...(Object.keys(variables).length ? { variables } : {}) },
      };
    }
    if (channel === 'sms') content.sms = { connectionId: form.sms.connectionId, text: form.sms.text };
    if (channel === 'email')
      content.email = {
        subject: form.email.subject,
        text: form.email.text,
        ...(form.email.html.trim() ? { html: form.email.html } : {}),
      };
    if (channel === 'app') content.app = { siteId: form.app.siteId, text: form.app.text };
    if (channel === 'push')
      content.push = { siteId: form.push.siteId, title: form.push.title, text: form.push.text };
  }
  return {
    name: form.name.trim(),
    segmentId: form.segmentId,
    channels: form.channels,
    content,
    skillId: form.skillId || null,
    holdoutPercent: Number(form.holdoutPercent),
    status,
    ...(form.when === 'later' ? { sendAt: new Date(sendAtOf(form)).toISOString() } : {}),
  };
}

/** The change the server takes for a saved broadcast: the whole form, "now" said as `sendAt: null`. */
export function broadcastPatch(form: BroadcastForm, status: 'draft' | 'scheduled'): BroadcastPatch {
  const body = broadcastInput(form, status);
  return { ...body, sendAt: body.sendAt ?? null };
}

/** The field key a server fault's path belongs to (`/content/sms/text` → `sms.text`), if the form shows it. */
export function fieldForPath(path: string): string | null {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'content') {
    const [, channel, field, ...rest] = parts;
    if (!channel) return null;
    if (channel === 'whatsapp' && field === 'template') {
      // …/template/variables/body/1
      if (rest[0] === 'variables' && rest[1] && rest[2]) return `whatsapp.${rest[1]}.${rest[2]}`;
      return 'whatsapp.template';
    }
    if (field) return `${channel}.${field}`;
    if (channel === 'email') return 'email.subject';
    return channel === 'app' || channel === 'push' ? `${channel}.siteId` : `${channel}.connectionId`;
  }
  const top: Record<string, string> = {
    name: 'name',
    segmentId: 'segmentId',
    channels: 'channels',
    skillId: 'skillId',
    sendAt: 'sendAt',
    holdoutPercent: 'holdoutPercent',
  };
  return top[parts[0] ?? ''] ?? null;
}

/** A refused save's faults on their fields, and what could not be placed as one message for the top. */
export function placeFaults(caught: unknown): { fields: FormErrors; general: string | null } {
  if (!(caught instanceof ApiError) || caught.status !== 400)
    return { fields: {}, general: errorMessage(caught) };
  const fields: FormErrors = {};
  const unplaced: string[] = [];
  for (const fault of faultsIn(caught.detail)) {
    const key = fieldForPath(fault.path);
    if (key && !fields[key]) fields[key] = asSentence(fault.message);
    else unplaced.push(`${fault.path}: ${fault.message}`);
  }
  if (unplaced.length === 0 && Object.keys(fields).length > 0) return { fields, general: null };
  return {
    fields,
    general: unplaced.length
      ? t('The server refused the broadcast: {faults}', { faults: unplaced.join('; ') })
      : caught.message,
  };
}

/** The channel order as words: "WhatsApp, then SMS, then e-mail". */
export const orderText = (channels: readonly string[]) => channels.map(channelLabel).join(t(', then '));
