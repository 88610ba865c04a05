// The broadcast workload's contacts, as both sides see them: the bench node's seed writes contact
// i with these addresses and opt-ins, and the provider sinks read i back from the address a
// message went to. Pure names and numbers: the sinks must not import a server module.

/** The channel each contact should get with the order WhatsApp, else SMS, else e-mail. */
export type BroadcastChannel = 'whatsapp' | 'sms' | 'email';

/** Contact i's reach: every one has at least one channel, so none is skipped. */
export interface Reach {
  phone: string | null;
  email: string | null;
  whatsapp: boolean;
  sms: boolean;
  /** Texted STOP: SMS is out, the next channel takes them. */
  smsStop: boolean;
  expected: BroadcastChannel;
}

/** A German mobile number (E.164), eight digits of the index; up to 100 M contacts. */
export const phoneOf = (i: number) => `+4917${String(i).padStart(8, '0')}`;
export const emailOf = (i: number) => `c${i}@example.com`;

/** The index of a phone number (with or without `+`, as WhatsApp's `to` has none), or -1. */
export function indexOfPhone(phone: string): number {
  const m = /^\+?4917(\d{8})$/.exec(phone);
  return m ? Number(m[1]) : -1;
}

/** The index of an e-mail address, or -1. */
export function indexOfEmail(address: string): number {
  const m = /^c(\d+)@example\.com$/i.exec(address);
  return m ? Number(m[1]) : -1;
}

/**
 * Four in ten on WhatsApp (a number opted in to WhatsApp and SMS, and an address), three in ten by
 * SMS (opted in to SMS, and an address), one in ten texted STOP and falls back to e-mail, and two
 * in ten have only an address.
 */
export function reachOf(i: number): Reach {
  const k = i % 10;
  const phone = k <= 7 ? phoneOf(i) : null;
  const whatsapp = k <= 3;
  const sms = k <= 7;
  const smsStop = k === 7;
  const expected: BroadcastChannel = whatsapp ? 'whatsapp' : sms && !smsStop ? 'sms' : 'email';
  return { phone, email: emailOf(i), whatsapp, sms, smsStop, expected };
}
