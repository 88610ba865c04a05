import type { SmsSegments } from '@beckon/protocol/sms-segments';

/** "2 SMS · 170 of 306 characters (GSM-7)": what the carrier will bill, and the room left in it. */
export function smsHint(sms: SmsSegments): string {
  const per = sms.encoding === 'GSM-7' ? (sms.segments > 1 ? 153 : 160) : sms.segments > 1 ? 67 : 70;
  return `${sms.segments} SMS · ${sms.units} of ${sms.segments * per} characters (${sms.encoding})`;
}
