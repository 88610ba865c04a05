/**
 * How many SMS a text costs, as carriers count it. Shared by the server and the composer, so the
 * agent sees the count before sending.
 */

/** GSM 03.38's basic set: one septet each. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** GSM 03.38's extension table: an escape and the character, two septets each. */
const GSM_EXTENDED = '^{}\\[~]|€\f';

const basic = new Set(GSM_BASIC);
const extended = new Set(GSM_EXTENDED);

export interface SmsSegments {
  /** GSM-7 when every character is in the GSM alphabet; else the whole text goes as UCS-2. */
  encoding: 'GSM-7' | 'UCS-2';
  /** Messages the carrier bills; 0 for an empty text. */
  segments: number;
  /** Units the text takes: septets in GSM-7, UTF-16 code units in UCS-2. */
  units: number;
}

/**
 * The segment count of a text. One message holds 160 GSM-7 septets or 70 UCS-2 units; a longer
 * text is split with a header that leaves 153 or 67 per part. A character is never split across
 * two parts (an escaped GSM character, a surrogate pair), so parts are packed one by one.
 */
export function smsSegments(text: string): SmsSegments {
  const chars = [...text];
  const gsm = chars.every((c) => basic.has(c) || extended.has(c));
  const sizes = chars.map((c) => (gsm ? (extended.has(c) ? 2 : 1) : c.length));
  const units = sizes.reduce((a, b) => a + b, 0);
  const single = gsm ? 160 : 70;
  const part = gsm ? 153 : 67;
  const encoding = gsm ? 'GSM-7' : 'UCS-2';
  if (units === 0) return { encoding, segments: 0, units };
  if (units <= single) return { encoding, segments: 1, units };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding, segments, units };
}
