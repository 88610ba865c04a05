import { SCORES } from '../csat/csat-survey.ts';
import type { ThreadNames } from './reply-token.ts';

/**
 * The one-click rating links of a conversation's e-mail survey (`/csat/rate?a&c&t&s`), one per
 * score. Opening one shows the rating page with that score chosen: a mail scanner that follows
 * links rates nothing; the page's button does.
 */
export function ratingLinks(
  publicUrl: string,
  names: ThreadNames,
  accountId: string,
  conversationId: string,
): { score: number; url: string }[] {
  const t = names.ratingToken(accountId, conversationId);
  return SCORES.map(({ score }) => {
    const q = new URLSearchParams({ a: accountId, c: conversationId, t, s: String(score) });
    return { score, url: `${publicUrl}/csat/rate?${q}` };
  });
}
