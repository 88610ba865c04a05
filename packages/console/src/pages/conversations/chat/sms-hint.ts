import type { SmsSegments } from '@beckon/protocol/sms-segments';
import { formatNumber } from '../../../components/format.ts';
import { t } from '../../../i18n/i18n.ts';

/** "2 SMS · 170 of 306 characters (GSM-7)": what the carrier will bill, and the room left in it. */
export function smsHint(sms: SmsSegments): string {
  const per = sms.encoding === 'GSM-7' ? (sms.segments > 1 ? 153 : 160) : sms.segments > 1 ? 67 : 70;
  return t('{segments} SMS · {used} of {room} characters ({encoding})', {
    segments: formatNumber(sms.segments),
    used: formatNumber(sms.units),
    room: formatNumber(sms.segments * per),
    encoding: sms.encoding,
  });
}
