import { createHash, randomBytes } from 'node:crypto';
import type { NewLink } from '../store/broadcasts-repo.ts';

/** Where tracked links lead: `{publicUrl}/b/{token}`. */
export const LINK_PATH = '/b/';

/** The most links of one message that are tracked; more stay as they are. */
const MAX_LINKS = 20;

/** A web address in a text: up to white space, quotes or angle brackets. */
const TEXT_URL = /\bhttps?:\/\/[^\s<>"']+/gi;
/** A link's address in HTML: the `href` of an `<a>` or `<area>`, quoted. */
const HREF = /(<(?:a|area)\b[^>]*?\bhref\s*=\s*)(["'])(\s*https?:\/\/[^"']*)\2/gi;

/** The hash a token is stored by: the database alone gives no working link. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A text's address without the sentence's closing punctuation ("see https://x.io/a." ends at "a"). */
function trimUrl(url: string): string {
  let u = url.replace(/[.,;:!?]+$/, '');
  // A closing bracket belongs to the address only when it opened one.
  while (/[)\]]$/.test(u) && (u.match(/[([]/g)?.length ?? 0) < (u.match(/[)\]]/g)?.length ?? 0))
    u = u.slice(0, -1).replace(/[.,;:!?]+$/, '');
  return u;
}

const unescapeHref = (href: string) =>
  href
    .trim()
    .replace(/&amp;/gi, '&')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCharCode(Number.parseInt(n, 16)));

/** A URL a redirect may go to: http or https, parseable, with a host. */
function linkable(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Rewrites the links of one recipient's message to tracked ones. Each distinct address gets its
 * own unguessable token; the address is kept server-side with the token's hash, so the redirect
 * can only go where the message pointed. Links to our own address are left alone.
 */
export class LinkTracker {
  private readonly byUrl = new Map<string, string>();
  readonly links: NewLink[] = [];

  constructor(
    private readonly publicUrl: string,
    private readonly recipient: { broadcastId: string; contactId: string; accountId: string; now: number },
  ) {}

  /** The tracked address for `url`, or the url itself when it is not tracked. */
  private track(url: string): string {
    if (!linkable(url) || url.startsWith(this.publicUrl)) return url;
    const known = this.byUrl.get(url);
    if (known) return known;
    if (this.byUrl.size >= MAX_LINKS) return url;
    const token = randomBytes(16).toString('base64url');
    const tracked = `${this.publicUrl}${LINK_PATH}${token}`;
    this.byUrl.set(url, tracked);
    this.links.push({
      token_hash: tokenHash(token),
      broadcast_id: this.recipient.broadcastId,
      contact_id: this.recipient.contactId,
      account_id: this.recipient.accountId,
      url,
      created_at: this.recipient.now,
      clicked_at: null,
    });
    return tracked;
  }

  /** A plain text (an SMS, a mail's text part) with its addresses tracked. */
  text(text: string): string {
    return text.replace(TEXT_URL, (found) => {
      const url = trimUrl(found);
      return this.track(url) + found.slice(url.length);
    });
  }

  /** HTML with the `href` of its links tracked (addresses in its text stay as they are). */
  html(html: string): string {
    return html.replace(HREF, (_, start: string, quote: string, href: string) => {
      const url = unescapeHref(href);
      const tracked = this.track(url);
      return `${start}${quote}${tracked === url ? href : tracked}${quote}`;
    });
  }
}

/** A rendered message: its text and, for a mail, its HTML in the payload. */
interface Message {
  text: string;
  payload: Record<string, unknown> | null;
}

/**
 * The message of one recipient with its SMS or mail links tracked, and the links to save with it.
 * A WhatsApp template's text and buttons are Meta's approved ones: they stay as they are.
 */
export function trackLinks<M extends Message>(
  publicUrl: string,
  recipient: { broadcastId: string; contactId: string; accountId: string; now: number },
  channel: string,
  message: M,
): { message: M; links: NewLink[] } {
  if (channel !== 'sms' && channel !== 'email') return { message, links: [] };
  const t = new LinkTracker(publicUrl, recipient);
  const html = message.payload?.html;
  const out: M = {
    ...message,
    text: t.text(message.text),
    ...(typeof html === 'string' ? { payload: { ...message.payload, html: t.html(html) } } : {}),
  };
  return { message: out, links: t.links };
}
