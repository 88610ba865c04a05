import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';

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
  subject: string;
  text: string;
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

/** Parses a raw mail; malformed parts are read as well as they can be, a mail with no headers is refused. */
export async function parseMail(raw: Buffer): Promise<MailMessage> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipTextLinks: true });
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
  return {
    messageId,
    from: fromValue?.address
      ? { address: fromValue.address.trim().toLowerCase(), name: fromValue.name?.trim() || null }
      : null,
    subject: (mail.subject ?? '').trim(),
    text: mail.text ?? '',
    threadIds,
    autoSubmitted: headerText(mail, 'auto-submitted'),
    precedence: headerText(mail, 'precedence'),
    report,
    reportedIds,
    files: report
      ? []
      : mail.attachments.map((a) => ({
          name: a.filename ?? 'attachment',
          contentType: a.contentType,
          content: a.content,
        })),
    recipients: [...addresses(mail.to), ...addresses(mail.cc)],
  };
}
