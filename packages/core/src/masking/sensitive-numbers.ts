/**
 * Card numbers and IBANs in free text, found by their own check digits so that order, phone and
 * tracking numbers stay as written. A card number is 13–19 digits, written whole or in groups
 * separated by one space or dash, that passes the Luhn check. An IBAN is a country code, two check
 * digits and the country's number of letters and digits (ISO 13616), in groups or not, whose
 * mod-97 remainder is 1. A run of digits after a `+` is a phone number, never a card. Each becomes `•••• ` and its last four characters. No I/O.
 */

/** What a masked number shows: four dots, a space, its last four characters. */
export const maskedTail = (chars: string): string => `•••• ${chars.slice(-4)}`;

/** Whether a string of digits passes the Luhn check (ISO/IEC 7812-1). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A run of digit groups, each separated from the next by one space, no-break space or dash. */
const DIGIT_RUN = /\d+(?:[ \u00a0-]\d+)*/g;
const GROUP = /\d+/g;

/** A span of the text to replace, and what replaces it. */
interface Cut {
  start: number;
  end: number;
  with: string;
}

/** Replaces the cuts (in order, not overlapping) in `text`. */
function applyCuts(text: string, cuts: Cut[]): string {
  if (cuts.length === 0) return text;
  let out = '';
  let at = 0;
  for (const c of cuts) {
    out += text.slice(at, c.start) + c.with;
    at = c.end;
  }
  return out + text.slice(at);
}

/**
 * The card numbers of one run of digit groups. Any span of whole groups with 13–19 digits that
 * passes the Luhn check is a candidate; the longest win, so an order number written just before a
 * card does not hide the card's own span.
 */
function cardsInRun(run: string, offset: number): Cut[] {
  const groups: { start: number; end: number; digits: string }[] = [];
  for (const m of run.matchAll(GROUP))
    groups.push({ start: m.index, end: m.index + m[0].length, digits: m[0] });
  const found: { first: number; last: number; digits: string }[] = [];
  for (let i = 0; i < groups.length; i++) {
    let digits = '';
    for (let j = i; j < groups.length; j++) {
      digits += groups[j]!.digits;
      if (digits.length > 19) break;
      if (digits.length >= 13 && luhnValid(digits)) found.push({ first: i, last: j, digits });
    }
  }
  if (found.length === 0) return [];
  found.sort((a, b) => b.digits.length - a.digits.length || a.first - b.first);
  const taken: typeof found = [];
  for (const f of found) if (taken.every((t) => f.last < t.first || f.first > t.last)) taken.push(f);
  return taken
    .sort((a, b) => a.first - b.first)
    .map((t) => ({
      start: offset + groups[t.first]!.start,
      end: offset + groups[t.last]!.end,
      with: maskedTail(t.digits),
    }));
}

/** `text` with every card number masked to `•••• 4242`. */
export function maskCardNumbers(text: string): string {
  if (!/\d{4}/.test(text) && !/\d[ \u00a0-]\d/.test(text)) return text;
  const cuts: Cut[] = [];
  for (const m of text.matchAll(DIGIT_RUN)) {
    if (m[0].length < 13) continue;
    // A run after a plus sign is an international phone number (E.164 allows 15 digits, and one in
    // ten passes the Luhn check); nobody writes a card number that way.
    if (text[m.index - 1] === '+') continue;
    cuts.push(...cardsInRun(m[0], m.index));
  }
  return applyCuts(text, cuts);
}

/** Each country's IBAN length (the SWIFT IBAN registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/** Whether a compact IBAN (no separators, upper case) has its country's length and mod-97 remainder 1. */
export function ibanValid(iban: string): boolean {
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const c of moved) {
    const v = c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55;
    rest = v > 9 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
  }
  return rest === 1;
}

/** Where an IBAN may start: a country code and two digits, not inside a word. */
const IBAN_START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}/g;
const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);

/** `text` with every IBAN masked to `•••• 3000`. */
export function maskIbans(text: string): string {
  const cuts: Cut[] = [];
  let from = 0;
  for (const m of text.matchAll(IBAN_START)) {
    if (m.index < from) continue;
    const length = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
    if (!length) continue;
    // Take the country's number of characters, allowing one space or dash between any two.
    let compact = m[0];
    let i = m.index + m[0].length;
    while (compact.length < length && i < text.length) {
      const c = text[i]!;
      if (isAlnum(c)) {
        compact += c;
        i++;
      } else if ((c === ' ' || c === '-' || c === '\u00a0') && isAlnum(text[i + 1])) i++;
      else break;
    }
    if (compact.length !== length || isAlnum(text[i])) continue;
    const iban = compact.toUpperCase();
    if (!ibanValid(iban)) continue;
    cuts.push({ start: m.index, end: i, with: maskedTail(compact) });
    from = i;
  }
  return applyCuts(text, cuts);
}
