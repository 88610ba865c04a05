/** The campaign editor's form state: what the inputs hold, and its conversion to and from the API's campaign. */
import type {
  AfterDecline,
  CampaignInput,
  CampaignRecord,
  CampaignStatus,
  Engagement,
  Schedule,
} from '../../api/types.ts';
import { t } from '../../i18n/i18n.ts';
import { fromCondition, type GroupNode } from './condition-model.ts';
import { type VariantForm, variantsError, variantsFromEngagement, variantsOf } from './variants-form.ts';

export type EngagementType = Engagement['type'];
/** What a chat offers while no one can take it; `callback` is a call's (a "Call me back" button). */
export type OfflineChoice = 'offline_message' | 'none' | 'callback';
export type MessageChannel = 'auto' | 'email' | 'app' | 'whatsapp' | 'sms' | 'push';
/** A WhatsApp template chosen for a campaign message, with a binding per variable. */
export type MessageTemplate = NonNullable<Extract<Engagement, { type: 'message' }>['template']>;

export interface CampaignForm {
  name: string;
  status: CampaignStatus;
  priority: string;
  goalType: 'purchase' | 'event';
  goalEvent: string;
  attributionWindowDays: string;
  targeting: GroupNode;
  scheduled: boolean;
  timeZone: string;
  days: number[];
  allDay: boolean;
  /** "HH:MM" */
  start: string;
  end: string;
  perSession: string;
  perVisitorPerDay: string;
  afterDecline: AfterDecline;
  engagementType: EngagementType;
  skillId: string;
  message: string;
  style: 'toaster' | 'overlay';
  offline: OfflineChoice;
  buttonLabel: string;
  title: string;
  text: string;
  imageUrl: string;
  ctaLabel: string;
  ctaUrl: string;
  /** A message's subject line (its text is `text`, shared with the content offer). */
  subject: string;
  messageChannel: MessageChannel;
  /** The WhatsApp or SMS connection a message leaves by. */
  messageConnectionId: string;
  /** The WhatsApp template a message sends, or null until one is picked. */
  messageTemplate: MessageTemplate | null;
  /** Whole percent, 0 to 90. */
  controlPercent: string;
  /** Where the campaign runs: web pages (the tag), apps (the SDK) or both. */
  surfaces: 'web' | 'app' | 'both';
  /** Target only the score bands whose measured lift is positive. */
  positiveLiftOnly: boolean;
  /** Engage only visitors with positive predicted uplift (uplift mode `positive_only`). */
  positiveUpliftOnly: boolean;
  /** The uplift mode's holdout share, kept as loaded (the API's default for a new setting). */
  upliftHoldout: number | null;
  /** The engagement's texts in other widget languages: language → field (`message`, `label`, …) → text. */
  translations: Translations;
  /** A/B/n variants of the engagement (none, or 2–5). */
  variants: VariantForm[];
  /** The smallest difference worth telling apart, in percentage points; empty: the default (0.5). */
  minimalEffectPoints: string;
}

export type Translations = Record<string, Record<string, string>>;

/** Which texts of an engagement can be written per language (its links and settings cannot). */
export function translatableFields(type: EngagementType): { key: string; label: string; long?: boolean }[] {
  switch (type) {
    case 'chat_invitation':
      return [{ key: 'message', label: t('Message'), long: true }];
    case 'chat_button':
    case 'call':
      return [{ key: 'label', label: t('Button label') }];
    case 'content':
      return [
        { key: 'title', label: t('Title') },
        { key: 'text', label: t('Text'), long: true },
        { key: 'ctaLabel', label: t('Button label') },
      ];
    default:
      return [];
  }
}

/** The translations to save for `type`: trimmed, its own fields only, empty ones and languages left out. */
function translationsFor(type: EngagementType, all: Translations): { translations?: Translations } {
  const keys = translatableFields(type).map((f) => f.key);
  const out: Translations = {};
  for (const [lang, texts] of Object.entries(all)) {
    const kept = Object.fromEntries(keys.flatMap((k) => (texts[k]?.trim() ? [[k, texts[k]!.trim()]] : [])));
    if (Object.keys(kept).length) out[lang] = kept;
  }
  return Object.keys(out).length ? { translations: out } : {};
}

/** Field keys of the form that can carry an error message. */
export type FormField =
  | 'name'
  | 'priority'
  | 'goalEvent'
  | 'attributionWindowDays'
  | 'timeZone'
  | 'days'
  | 'hours'
  | 'perSession'
  | 'perVisitorPerDay'
  | 'skillId'
  | 'message'
  | 'buttonLabel'
  | 'title'
  | 'text'
  | 'imageUrl'
  | 'ctaLabel'
  | 'ctaUrl'
  | 'subject'
  | 'messageConnectionId'
  | 'messageTemplate'
  | 'controlPercent'
  | 'surfaces'
  | 'variants'
  | 'minimalEffect';

export type FormErrors = Partial<Record<FormField, string>>;

const pad = (n: number) => String(n).padStart(2, '0');
const toClock = (minute: number) => `${pad(Math.floor((minute % 1440) / 60))}:${pad(minute % 60)}`;
const fromClock = (clock: string): number | null => {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes < 1440 ? minutes : null;
};

export function emptyForm(timeZone: string, skillId: string): CampaignForm {
  return {
    name: '',
    status: 'draft',
    priority: '0',
    goalType: 'purchase',
    goalEvent: '',
    attributionWindowDays: '7',
    targeting: fromCondition(undefined),
    scheduled: false,
    timeZone,
    days: [1, 2, 3, 4, 5],
    allDay: false,
    start: '09:00',
    end: '17:00',
    perSession: '1',
    perVisitorPerDay: '',
    afterDecline: 'next_session',
    engagementType: 'chat_invitation',
    skillId,
    message: 'Hi! Can we help you with anything?',
    style: 'toaster',
    offline: 'offline_message',
    buttonLabel: 'Chat with us',
    title: '',
    text: '',
    imageUrl: '',
    ctaLabel: '',
    ctaUrl: '',
    translations: {},
    subject: '',
    messageChannel: 'auto',
    messageConnectionId: '',
    messageTemplate: null,
    controlPercent: '10',
    surfaces: 'web',
    positiveLiftOnly: false,
    variants: [],
    minimalEffectPoints: '',
    positiveUpliftOnly: false,
    upliftHoldout: null,
  };
}

export function formFromCampaign(
  c: CampaignRecord,
  fallbackZone: string,
  fallbackSkill: string,
): CampaignForm {
  const form = emptyForm(c.schedule?.timeZone ?? fallbackZone, fallbackSkill);
  const e = c.engagement;
  const s = c.schedule;
  return {
    ...form,
    name: c.name,
    status: c.status,
    priority: String(c.priority ?? 0),
    goalType: c.goal.type,
    goalEvent: c.goal.type === 'event' ? c.goal.name : '',
    attributionWindowDays: String(c.attributionWindowDays ?? 7),
    targeting: fromCondition(c.targeting),
    scheduled: Boolean(s),
    days: s ? [...s.days] : form.days,
    allDay: s ? s.startMinute === 0 && s.endMinute === 1440 : false,
    start: s ? toClock(s.startMinute) : form.start,
    end: s ? toClock(s.endMinute) : form.end,
    perSession: c.frequency?.perSession !== undefined ? String(c.frequency.perSession) : '',
    perVisitorPerDay: c.frequency?.perVisitorPerDay !== undefined ? String(c.frequency.perVisitorPerDay) : '',
    afterDecline: c.frequency?.afterDecline ?? 'next_session',
    engagementType: e.type,
    skillId:
      e.type === 'chat_invitation' || e.type === 'chat_button' || e.type === 'call' || e.type === 'callback'
        ? e.skillId
        : fallbackSkill,
    message: e.type === 'chat_invitation' ? e.message : form.message,
    style: e.type === 'chat_invitation' ? e.style : form.style,
    offline:
      e.type === 'chat_invitation' || e.type === 'chat_button' || e.type === 'call'
        ? (e.offline ?? 'none')
        : form.offline,
    buttonLabel:
      e.type === 'chat_button'
        ? e.label
        : e.type === 'call' || e.type === 'callback'
          ? (e.label ?? BUTTON_LABELS[e.type])
          : form.buttonLabel,
    title: e.type === 'content' ? e.title : '',
    text: e.type === 'content' || e.type === 'message' ? e.text : '',
    subject: e.type === 'message' ? e.subject : '',
    messageChannel: e.type === 'message' ? e.channel : form.messageChannel,
    messageConnectionId: e.type === 'message' ? (e.connectionId ?? '') : '',
    messageTemplate: e.type === 'message' ? (e.template ?? null) : null,
    imageUrl: e.type === 'content' ? (e.imageUrl ?? '') : '',
    ctaLabel: e.type === 'content' ? e.ctaLabel : '',
    ctaUrl: e.type === 'content' ? e.ctaUrl : '',
    controlPercent: String(Math.round((c.controlShare ?? 0) * 1000) / 10),
    surfaces: c.surfaces ?? 'web',
    positiveLiftOnly: c.scoreBands === 'positive_lift',
    positiveUpliftOnly: c.uplift?.mode === 'positive_only',
    upliftHoldout: c.uplift?.holdout ?? null,
    translations:
      'translations' in e && e.translations ? structuredClone(e.translations as Translations) : {},
    variants: variantsFromEngagement(e),
    minimalEffectPoints:
      c.minimalEffect !== undefined ? String(Math.round(c.minimalEffect * 100_000) / 1000) : '',
  };
}

const whole = (text: string, min: number, max: number): number | null => {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= min && n <= max ? n : null;
};
const isWebUrl = (text: string) => /^https?:\/\/[^\s<>"]+$/i.test(text.trim()) && text.trim().length <= 2048;

const capError = () =>
  t('Enter a whole number from {min} to {max}, or leave it empty.', { min: 1, max: 1000 });

/** Checks the parts of the form outside the rule builder; the rule builder checks its own rows. */
export function formErrors(f: CampaignForm): FormErrors {
  const errors: FormErrors = {};
  if (!f.name.trim()) errors.name = t('Give the campaign a name.');
  else if (f.name.trim().length > 120) errors.name = t('Keep the name under {max} characters.', { max: 120 });
  if (whole(f.priority, -1000, 1000) === null)
    errors.priority = t('Enter a whole number from {min} to {max}.', { min: -1000, max: 1000 });
  if (f.goalType === 'event' && !/^.{1,64}$/.test(f.goalEvent.trim())) {
    errors.goalEvent = t('Enter the event name your site sends (up to {max} characters).', { max: 64 });
  }
  if (whole(f.attributionWindowDays, 1, 31) === null) {
    errors.attributionWindowDays = t('Enter a whole number of days from {min} to {max}.', {
      min: 1,
      max: 31,
    });
  }
  if (f.scheduled) {
    if (f.days.length === 0) errors.days = t('Pick at least one day.');
    if (!f.allDay) {
      const start = fromClock(f.start);
      const end = fromClock(f.end);
      if (start === null || end === null) errors.hours = t('Enter both times.');
      else if (start === end)
        errors.hours = t('Start and end must differ; tick “All day” to run around the clock.');
    }
    if (!f.timeZone) errors.timeZone = t('Choose a time zone.');
  }
  const cap = (text: string) => text.trim() !== '' && whole(text, 1, 1000) === null;
  if (cap(f.perSession)) errors.perSession = capError();
  if (cap(f.perVisitorPerDay)) errors.perVisitorPerDay = capError();
  if (
    f.engagementType === 'chat_invitation' ||
    f.engagementType === 'chat_button' ||
    f.engagementType === 'call' ||
    f.engagementType === 'callback'
  ) {
    if (!f.skillId) errors.skillId = t('Choose the skill whose agents answer these chats.');
  }
  if (f.engagementType === 'chat_invitation') {
    if (!f.message.trim()) errors.message = t('Write the invitation visitors will read.');
    else if (f.message.trim().length > 500)
      errors.message = t('Keep it under {max} characters.', { max: 500 });
  }
  if (
    (f.engagementType === 'chat_button' || f.engagementType === 'call' || f.engagementType === 'callback') &&
    !/^.{1,60}$/.test(f.buttonLabel.trim())
  ) {
    errors.buttonLabel = t('Enter a label of up to {max} characters.', { max: 60 });
  }
  if (f.engagementType === 'content') {
    if (!/^.{1,120}$/.test(f.title.trim()))
      errors.title = t('Enter a title of up to {max} characters.', { max: 120 });
    if (f.text.trim().length > 1000) errors.text = t('Keep the text under {max} characters.', { max: 1000 });
    if (f.imageUrl.trim() && !isWebUrl(f.imageUrl))
      errors.imageUrl = t('Enter an http:// or https:// address.');
    if (!/^.{1,60}$/.test(f.ctaLabel.trim()))
      errors.ctaLabel = t('Enter a button label of up to {max} characters.', { max: 60 });
    if (!isWebUrl(f.ctaUrl)) errors.ctaUrl = t('Enter the http:// or https:// page the button opens.');
  }
  if (f.engagementType === 'message') {
    if (!/^.{1,150}$/.test(f.subject.trim()))
      errors.subject = t('Enter a subject of up to {max} characters.', { max: 150 });
    const whatsapp = f.messageChannel === 'whatsapp';
    const max = f.messageChannel === 'sms' ? 1600 : 2000;
    if (!whatsapp && !f.text.trim()) errors.text = t('Write the message the contact will receive.');
    else if (!whatsapp && f.text.trim().length > max)
      errors.text = t('Keep the message under {max} characters.', { max });
    if ((whatsapp || f.messageChannel === 'sms') && !f.messageConnectionId)
      errors.messageConnectionId = t('Choose the connection the message leaves by.');
    if (whatsapp && !f.messageTemplate) errors.messageTemplate = t('Choose an approved template.');
    else if (whatsapp && f.messageTemplate) {
      const unbound = (['header', 'body'] as const).flatMap((part) =>
        Object.entries(f.messageTemplate?.values?.[part] ?? {})
          .filter(([, b]) => ('text' in b ? !b.text.trim() : !b.fallback.trim()))
          .map(([v]) => ({ part, variable: `{{${v}}}` })),
      );
      if (unbound[0])
        errors.messageTemplate = t(
          'Give {part, select, header {header} other {body}} {variable} a value (or a fallback).',
          unbound[0],
        );
      else if (f.messageTemplate.headerMedia && !/^https?:\/\/\S+$/.test(f.messageTemplate.headerMedia.link))
        errors.messageTemplate = t('Give the header’s file as a link starting with https://.');
    }
  }
  if (f.engagementType === 'message' && f.messageChannel === 'push' && f.surfaces === 'web')
    errors.surfaces = t('A push goes to app users: run the campaign in apps, or on the web and in apps.');
  const share = Number(f.controlPercent);
  if (f.controlPercent.trim() === '' || !Number.isFinite(share) || share < 0 || share > 90) {
    errors.controlPercent = t('Enter a share from 0 to 90 %.');
  }
  const variants = variantsError(f.variants);
  if (variants) errors.variants = variants;
  const effect = Number(f.minimalEffectPoints);
  if (f.minimalEffectPoints.trim() !== '' && !(Number.isFinite(effect) && effect > 0 && effect <= 50))
    errors.minimalEffect = t('Enter percentage points above 0 and up to 50, or leave it empty.');
  return errors;
}

/** The API body for a valid form (call `formErrors` first). */
export function campaignInput(f: CampaignForm, targeting: CampaignInput['targeting']): CampaignInput {
  const input: CampaignInput = {
    name: f.name.trim(),
    status: f.status,
    goal: f.goalType === 'purchase' ? { type: 'purchase' } : { type: 'event', name: f.goalEvent.trim() },
    targeting,
    frequency: {
      ...(f.perSession.trim() && { perSession: Number(f.perSession) }),
      ...(f.perVisitorPerDay.trim() && { perVisitorPerDay: Number(f.perVisitorPerDay) }),
      afterDecline: f.afterDecline,
    },
    priority: Number(f.priority),
    controlShare: Math.round(Number(f.controlPercent) * 10) / 1000,
    surfaces: f.surfaces,
    engagement: engagementOf(f),
    attributionWindowDays: Number(f.attributionWindowDays),
    scoreBands: f.positiveLiftOnly ? 'positive_lift' : 'all',
    uplift: f.positiveUpliftOnly
      ? { mode: 'positive_only', ...(f.upliftHoldout !== null && { holdout: f.upliftHoldout }) }
      : { mode: 'off' },
  };
  const variants = variantsOf(f.variants, f.engagementType);
  if (variants) input.engagement = { ...input.engagement, variants } as Engagement;
  if (f.minimalEffectPoints.trim()) input.minimalEffect = Number(f.minimalEffectPoints) / 100;
  if (f.scheduled) input.schedule = scheduleOf(f);
  return input;
}

function scheduleOf(f: CampaignForm): Schedule {
  const start = f.allDay ? 0 : (fromClock(f.start) ?? 0);
  let end = f.allDay ? 1440 : (fromClock(f.end) ?? 0);
  // "until 00:00" means until midnight, not an overnight window that starts and ends at once.
  if (end === 0) end = 1440;
  return { timeZone: f.timeZone, days: [...f.days].sort(), startMinute: start, endMinute: end };
}

/** A call's "callback" choice carried over to a chat reads as its offline form. */
const chatOffline = (f: CampaignForm) => (f.offline === 'none' ? 'none' : 'offline_message');

/** The default label of each button kind; a label left at another kind's default follows the kind. */
export const BUTTON_LABELS = {
  chat_button: 'Chat with us',
  call: 'Call us',
  callback: 'Call me back',
} as const;

export function engagementOf(f: CampaignForm): Engagement {
  switch (f.engagementType) {
    case 'chat_invitation':
      return {
        type: 'chat_invitation',
        skillId: f.skillId,
        message: f.message.trim(),
        style: f.style,
        offline: chatOffline(f),
        ...translationsFor('chat_invitation', f.translations),
      };
    case 'chat_button':
      return {
        type: 'chat_button',
        skillId: f.skillId,
        label: f.buttonLabel.trim(),
        offline: chatOffline(f),
        ...translationsFor('chat_button', f.translations),
      };
    case 'content': {
      const content: Engagement = {
        type: 'content',
        title: f.title.trim(),
        text: f.text.trim(),
        ctaLabel: f.ctaLabel.trim(),
        ctaUrl: f.ctaUrl.trim(),
        ...translationsFor('content', f.translations),
      };
      if (f.imageUrl.trim()) content.imageUrl = f.imageUrl.trim();
      return content;
    }
    case 'message': {
      const channel = f.messageChannel;
      const subject = f.subject.trim();
      if (channel === 'whatsapp' && f.messageTemplate) {
        // The template is what is sent; the text names it for lists and reports.
        const text = `WhatsApp template ${f.messageTemplate.name}`;
        return {
          type: 'message',
          subject,
          text,
          channel,
          connectionId: f.messageConnectionId,
          template: f.messageTemplate,
        };
      }
      if (channel === 'sms')
        return {
          type: 'message',
          subject,
          text: f.text.trim(),
          channel,
          connectionId: f.messageConnectionId,
        };
      return { type: 'message', subject, text: f.text.trim(), channel };
    }
    case 'call':
      return {
        type: 'call',
        skillId: f.skillId,
        label: f.buttonLabel.trim(),
        ...(f.offline === 'callback' ? { offline: 'callback' as const } : {}),
        ...translationsFor('call', f.translations),
      };
    case 'callback':
      return { type: 'callback', skillId: f.skillId, label: f.buttonLabel.trim() };
  }
}

/** Which form field a server error path (e.g. `/engagement/ctaUrl`) belongs to. */
export function fieldForPath(path: string): FormField | null {
  const map: [RegExp, FormField][] = [
    [/^\/name/, 'name'],
    [/^\/priority/, 'priority'],
    [/^\/goal/, 'goalEvent'],
    [/^\/attributionWindowDays/, 'attributionWindowDays'],
    [/^\/schedule\/timeZone/, 'timeZone'],
    [/^\/schedule\/days/, 'days'],
    [/^\/schedule/, 'hours'],
    [/^\/frequency\/perSession/, 'perSession'],
    [/^\/frequency\/perVisitorPerDay/, 'perVisitorPerDay'],
    [/^\/engagement\/skillId/, 'skillId'],
    [/^\/engagement\/message/, 'message'],
    [/^\/engagement\/label/, 'buttonLabel'],
    [/^\/engagement\/title/, 'title'],
    [/^\/engagement\/text/, 'text'],
    [/^\/engagement\/imageUrl/, 'imageUrl'],
    [/^\/engagement\/ctaLabel/, 'ctaLabel'],
    [/^\/engagement\/ctaUrl/, 'ctaUrl'],
    [/^\/engagement\/subject/, 'subject'],
    [/^\/engagement\/connectionId/, 'messageConnectionId'],
    [/^\/engagement\/template/, 'messageTemplate'],
    [/^\/controlShare/, 'controlPercent'],
    [/^\/surfaces/, 'surfaces'],
    [/^\/engagement\/variants/, 'variants'],
    [/^\/minimalEffect/, 'minimalEffect'],
  ];
  return map.find(([pattern]) => pattern.test(path))?.[1] ?? null;
}

/** The faults in a 400's message: the API writes each as `path: message`, joined by "; ". */
export function faultsIn(message: string): { path: string; message: string }[] {
  return message.split('; ').flatMap((part) => {
    const match = /^(\/\S*): (.*)$/s.exec(part.trim());
    return match ? [{ path: match[1]!, message: match[2]! }] : [];
  });
}
