import type { ThreadNames } from './reply-token.ts';

/**
 * The unsubscribe link of automatic and campaign mails to a contact, and the headers that carry
 * it: `List-Unsubscribe` with `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), so
 * a mail client's own "Unsubscribe" button opts the contact out with one POST. Opening the link
 * shows a page with a button: a link scanner that follows it changes nothing.
 */
export function unsubscribeUrl(
  publicUrl: string,
  names: ThreadNames,
  accountId: string,
  contactId: string,
): string {
  const q = new URLSearchParams({
    a: accountId,
    c: contactId,
    t: names.unsubscribeToken(accountId, contactId),
  });
  return `${publicUrl}/email/unsubscribe?${q}`;
}

/** The headers of a mail whose contact can opt out of e-mail with one click. */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
