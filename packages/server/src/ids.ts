import { createHash, randomBytes, randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Random bytes drawn in 4 KB blocks: one system call per ~200 ids instead of one each (ids are made on hot paths). */
const pool = Buffer.allocUnsafe(4096);
let used = pool.length;

/** Random, URL-safe, lowercase token of `length` characters (5 bits of entropy each). */
export function randomToken(length: number): string {
  if (length > pool.length) return tokenOf(randomBytes(length), 0, length);
  if (used + length > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const out = tokenOf(pool, used, length);
  used += length;
  return out;
}

function tokenOf(bytes: Uint8Array, from: number, length: number): string {
  let out = '';
  for (let i = from; i < from + length; i++) out += ALPHABET[bytes[i]! & 31];
  return out;
}

/**
 * `s` as V8's one copy of that text (an internalized string), for an id compared on every line.
 * `randomUUID()` and ids built here are joined from pieces: V8 keeps such a string as a tree of
 * them, and `===` against another string of the same length walks that tree character by
 * character. Two internalized strings compare by address. A socket's id against each line's
 * origin was about 2 % of a chat node's socket thread (bench/notes.md, W12).
 */
export function interned(s: string): string {
  // A property name is always internalized; `Object.keys` hands that copy back.
  return Object.keys({ [s]: 0 })[0]!;
}

/** A prefixed id such as `site_8k2m…`, so ids say what they are in logs and URLs. */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(20)}`;
}

/** An id of `newId`'s form drawn from `text` instead of at random: the same text, the same id. */
export function seededId(prefix: string, text: string): string {
  return `${prefix}_${tokenOf(createHash('sha256').update(text).digest(), 0, 20)}`;
}

/**
 * A prefixed id like `newId`'s whose first 10 characters are the time in milliseconds (same
 * alphabet, so ids sort by creation) and the other 10 random (50 bits). For rows written at a high
 * rate and soon looked up again by id (exposures and their outcomes, sessions): a new key lands at
 * the end of the table's primary-key index instead of on a random page, and the ones looked up
 * again are on the few recent pages, so a commit writes far fewer pages.
 */
export function newTimeId(prefix: string, now = Date.now(), tail = randomToken(10)): string {
  let t = '';
  for (let i = 0, v = now; i < 10; i++, v = Math.floor(v / 32)) t = ALPHABET[v % 32]! + t;
  return `${prefix}_${t}${tail}`;
}

/** A token like `randomToken`'s drawn from `random` (a seeded generator's [0, 1) numbers). */
export function drawnToken(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(random() * 32)];
  return out;
}

/**
 * The creation time (epoch ms) `newTimeId` put in an id with this prefix, or null when the id is not
 * of that form. A client can send any id: treat the time as a claim, useful only to bound a wait.
 */
export function timeOfId(id: string, prefix: string): number | null {
  const start = prefix.length + 1;
  if (id.length !== start + 20 || !id.startsWith(`${prefix}_`)) return null;
  let t = 0;
  for (let i = start; i < start + 10; i++) {
    const digit = ALPHABET.indexOf(id[i]!);
    if (digit < 0) return null;
    t = t * 32 + digit;
  }
  return t;
}

/** Hex sha256, for storing secrets (session tokens, API keys) without keeping them. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
