import { randomToken, sha256 } from '../ids.ts';

/** The header a visitor's REST calls carry their conversation token in. */
export const CHAT_TOKEN_HEADER = 'x-beckon-chat-token';
/** The header a visitor's REST calls name their site in (the public site key). */
export const SITE_KEY_HEADER = 'x-beckon-site-key';

/** A new visitor conversation token (200 random bits) and the hash that is stored instead of it. */
export function newVisitorToken(): { token: string; hash: string } {
  const token = `ct_${randomToken(40)}`;
  return { token, hash: sha256(token) };
}

/** The stored form of a presented token. */
export const hashVisitorToken = (token: string): string => sha256(token);
