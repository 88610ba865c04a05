import type { AddressObject, ParsedMail } from 'mailparser';

/** A file a mail carried. */
export interface MailFile {
  name: string;
  contentType: string;
  content: Buffer;
}

/** What the e-mail channel needs of a parsed mail. */
export interface MailMessage {
  /** `<id@host>`, or null when the mail has none. */
  messageId: string | null;
  /** The From address (lower-case) and display name. */
  from: { address: string; name: string | null } | null;
  /** On one line: a line break in a subject (folded, or encoded in it) becomes a space. */
  subject: string;
  /** The text part, else the text of the HTML part(s); then the text of each attached mail. */
  text: string;
  /** A forward (by its subject, or a mail attached to it): what it carries is the point of it. */
  forward: boolean;
  /** In-Reply-To then References, as written (oldest first). */
  threadIds: string[];
  /** `Auto-Submitted`, lower-case, or null. */
  autoSubmitted: string | null;
  /** `Precedence`, lower-case, or null. */
  precedence: string | null;
  /** A delivery status report (a bounce), by its content type. */
  report: boolean;
  /** Message-IDs named inside a report's attached original (what bounced). */
  reportedIds: string[];
  files: MailFile[];
  /** To and Cc addresses (lower-case): the recipients when no envelope names them. */
  recipients: string[];
}

/** Thrown when the bytes are not a mail at all. */
export class MalformedMail extends Error {}

const MSG_ID = /<[^<>\s]{1,500}>/g;

const headerText = (mail: ParsedMail, name: string): string | null => {
  const v = mail.headers.get(name);
  if (v == null) return null;
  const s = typeof v === 'string' ? v : typeof v === 'object' && 'value' in v ? String(v.value) : String(v);
  return s.trim().toLowerCase() || null;
};

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : [])
    .flatMap((o) => o.value)
    .map((v) => v.address?.trim().toLowerCase())
    .filter((x): x is string => Boolean(x?.includes('@')));

/** A subject on one line: control characters (CR, LF, tab, NUL…) become spaces, runs of spaces one. */
export const oneLine = (s: string): string =>
  s
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();

/** The detached signature of a signed mail (S/MIME, PGP/MIME): the raw mail keeps it; it is no file the sender sent. */
const SIGNATURE = /^application\/(x-)?(pkcs7-signature|pgp-signature)$/i;

/** A forward's subject ("Fwd:", "FW:", "WG:", "TR:", "RV:", "ENC:", "I:"). */
const FORWARD = /^(fwd?|wg|tr|rv|enc|i)\s*:/i;

/** Names for files a mail sends without one. */
const UNNAMED: Record<string, string> = { 'text/calendar': 'invite.ics', 'message/rfc822': 'message.eml' };

/** A mail's own words: the text part, else its HTML read as text; without Outlook's `[cid:…]` image markers. */
const bodyText = (mail: ParsedMail): string =>
  (mail.text?.trim() ? mail.text : mail.html ? htmlText!(mail.html) : '')
    .replace(/\r\n?/g, '\n')
    .replace(/\[cid:[^\]\s]{1,300}\]/g, '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

type SimpleParser = typeof import('mailparser').simpleParser;
let parser: Promise<SimpleParser> | undefined;
/** The HTML reader, set when the parser has loaded: every mail is parsed before its words are read. */
let htmlText: ((html: string) => string) | undefined;
/**
 * mailparser and the HTML reader, loaded with the first mail: mailparser and its character sets
 * cost about a third of a second of CPU to load, which a node that never reads a mail (and most
 * test processes) need not pay.
 */
function mailParser(): Promise<SimpleParser> {
  parser ??= Promise.all([import('mailparser'), import('./html-text.ts')]).then(([m, h]) => {
    htmlText = h.htmlText;
    return m.simpleParser;
  });
  return parser;
}

/** The words of a mail forwarded as an attachment, under the headers a reader needs. */
async function attachedText(content: Buffer): Promise<string> {
  const inner = await (await mailParser())(content, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
  });
  const head = [
    inner.from?.text && `From: ${oneLine(inner.from.text)}`,
    inner.date && `Date: ${inner.date.toUTCString()}`,
    `Subject: ${oneLine(inner.subject ?? '')}`,
  ].filter(Boolean);
  return `---------- Forwarded message ----------\n${head.join('\n')}\n\n${bodyText(inner)}`;
}

/** Parses a raw mail; malformed parts are read as well as they can be, a mail with no headers is refused. */
export async function parseMail(raw: Buffer): Promise<MailMessage> {
  let mail: ParsedMail;
  try {
    mail = await (await mailParser())(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
    });
  } catch (err) {
    throw new MalformedMail(`the message could not be read: ${(err as Error).message}`);
  }
  if (mail.headers.size === 0) throw new MalformedMail('the message has no headers');
  const fromValue = mail.from?.value.find((v) => v.address?.includes('@'));
  const refs = Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [];
  const threadIds = [...refs, ...(mail.inReplyTo ? [mail.inReplyTo] : [])].flatMap(
    (r) => r.match(MSG_ID) ?? [],
  );
  const contentType = mail.headers.get('content-type');
  const report =
    typeof contentType === 'object' && contentType !== null && 'value' in contentType
      ? String(contentType.value).toLowerCase() === 'multipart/report'
      : false;
  const reportedIds = report
    ? mail.attachments
        .filter((a) => /rfc822|delivery-status/i.test(a.contentType))
        .flatMap((a) =>
          [...a.content.toString('utf8').matchAll(/^Message-ID:\s*(<[^<>\s]+>)/gim)].map((m) => m[1]!),
        )
    : [];
  const messageId = mail.messageId?.match(MSG_ID)?.[0] ?? null;
  const subject = oneLine(mail.subject ?? '');
  const attached = report ? [] : mail.attachments.filter((a) => /^message\/rfc822$/i.test(a.contentType));
  const texts = [bodyText(mail)];
  for (const a of attached) texts.push(await attachedText(a.content).catch(() => ''));
  // One file sent twice (a calendar invitation's text/calendar part and its invite.ics) is one file.
  const seen = new Set<string>();
  const files = report
    ? []
    : mail.attachments.filter((a) => {
        const key = `${a.checksum}:${a.size}`;
        if (SIGNATURE.test(a.contentType) || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  return {
    messageId,
    from: fromValue?.address
      ? { address: fromValue.address.trim().toLowerCase(), name: fromValue.name?.trim() || null }
      : null,
    subject,
    // A mail whose only body is HTML (often beside attachments) is read from its HTML.
    text: texts.filter(Boolean).join('\n\n'),
    forward: FORWARD.test(subject) || attached.length > 0,
    threadIds,
    autoSubmitted: headerText(mail, 'auto-submitted'),
    precedence: headerText(mail, 'precedence'),
    report,
    reportedIds,
    files: files.map((a) => ({
      name: a.filename ?? UNNAMED[a.contentType.toLowerCase()] ?? 'attachment',
      contentType: a.contentType,
      content: a.content,
    })),
    recipients: [...addresses(mail.to), ...addresses(mail.cc)],
  };
}
