import type { SendingSettings, SendingSettingsBody } from '@beckon/protocol/sending-settings-api';
import { badRequest } from '../errors.ts';
import type { SendingSettingsChange, SendingSettingsRow } from '../store/sending-settings-repo.ts';
import { assertTimeZone } from '../store/sites-repo.ts';
import type { Store } from '../store/store.ts';

/**
 * The throughput an account gets until it sets its own (see docs/broadcasts.md):
 * - WhatsApp 80 a second: the Cloud API's throughput of a business number until Meta raises it.
 * - SMS 1 a second: what a long code is allowed; toll-free and short codes may set more.
 * - E-mail 600 a minute: well under common relays' limits, and 100 000 mails in under three hours.
 */
export const DEFAULT_THROUGHPUT = { whatsappPerSecond: 80, smsPerSecond: 1, emailPerMinute: 600 };

/**
 * In-app messages and pushes a minute: 100 a second. An in-app message is a row in our own store;
 * FCM and APNs take far more, but a site's push webhook is its own server, which should not be flooded.
 */
export const APP_PER_MINUTE = 6000;

/** An account's guardrails with every default filled in: what the sender applies. */
export interface Guardrails {
  timeZone: string;
  /** Minutes of the day; `to` at or before `from` runs overnight. */
  quiet: { from: number; to: number } | null;
  /** Messages a minute per channel. */
  perMinute: Record<'whatsapp' | 'sms' | 'email' | 'app' | 'push', number>;
  cap: { messages: number; days: number } | null;
}

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The account's guardrails, its defaults filled in (the zone: its first site's, else UTC). */
export async function guardrailsOf(store: Store, accountId: string): Promise<Guardrails> {
  const row: Partial<SendingSettingsRow> = (await store.sendingSettings.find(accountId)) ?? {};
  const d = DEFAULT_THROUGHPUT;
  return {
    timeZone: row.time_zone ?? (await store.sendingSettings.siteZone(accountId)) ?? 'UTC',
    quiet: row.quiet_from != null && row.quiet_to != null ? { from: row.quiet_from, to: row.quiet_to } : null,
    perMinute: {
      whatsapp: (row.whatsapp_per_second ?? d.whatsappPerSecond) * 60,
      sms: (row.sms_per_second ?? d.smsPerSecond) * 60,
      email: row.email_per_minute ?? d.emailPerMinute,
      app: APP_PER_MINUTE,
      push: APP_PER_MINUTE,
    },
    cap:
      row.cap_messages != null && row.cap_days != null
        ? { messages: row.cap_messages, days: row.cap_days }
        : null,
  };
}

/** The settings as the API shows them. */
export async function sendingSettingsView(store: Store, accountId: string): Promise<SendingSettings> {
  const g = await guardrailsOf(store, accountId);
  return {
    timeZone: g.timeZone,
    quietHours: g.quiet ? { from: clock(g.quiet.from), to: clock(g.quiet.to) } : null,
    throughput: {
      whatsappPerSecond: g.perMinute.whatsapp / 60,
      smsPerSecond: g.perMinute.sms / 60,
      emailPerMinute: g.perMinute.email,
    },
    frequencyCap: g.cap,
    defaults: {
      timeZone: (await store.sendingSettings.siteZone(accountId)) ?? 'UTC',
      throughput: DEFAULT_THROUGHPUT,
    },
  };
}

/** Applies a change from the API; a fault is a 400 naming its field. */
export async function changeSendingSettings(
  store: Store,
  accountId: string,
  body: SendingSettingsBody,
  now: number,
): Promise<void> {
  const change: SendingSettingsChange = {};
  if (body.timeZone !== undefined) {
    try {
      assertTimeZone(body.timeZone);
    } catch {
      throw badRequest('/timeZone: not an IANA time zone', 'invalid_settings');
    }
    change.time_zone = body.timeZone;
  }
  if (body.quietHours !== undefined) {
    const q = body.quietHours;
    if (q && q.from === q.to)
      throw badRequest(
        '/quietHours: from and to are the same time; leave quiet hours out instead',
        'invalid_settings',
      );
    change.quiet_from = q ? minuteOf(q.from) : null;
    change.quiet_to = q ? minuteOf(q.to) : null;
  }
  const t = body.throughput ?? {};
  if (t.whatsappPerSecond !== undefined) change.whatsapp_per_second = t.whatsappPerSecond;
  if (t.smsPerSecond !== undefined) change.sms_per_second = t.smsPerSecond;
  if (t.emailPerMinute !== undefined) change.email_per_minute = t.emailPerMinute;
  if (body.frequencyCap !== undefined) {
    change.cap_messages = body.frequencyCap?.messages ?? null;
    change.cap_days = body.frequencyCap?.days ?? null;
  }
  await store.sendingSettings.change(accountId, change, now);
}
