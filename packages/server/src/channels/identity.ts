import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Identity verification: a site vouches for a signed-in user by sending, with the user's id, the
 * HMAC-SHA256 of that id keyed by the site's identity secret, computed on the site's server (the
 * secret never reaches a browser or an app). Hex, lower-case.
 */
export function userHashOf(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Whether `hash` is the site's userHash of `userId` (constant time; any malformed hash is false). */
export function verifyUserHash(secret: string, userId: string, hash: unknown): boolean {
  if (typeof hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hash)) return false;
  const expected = Buffer.from(userHashOf(secret, userId), 'hex');
  return timingSafeEqual(expected, Buffer.from(hash.toLowerCase(), 'hex'));
}
