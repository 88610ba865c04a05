import type { MailMessage } from './mail-message.ts';

/** Why a mail is accepted but not stored: answering it could start a mail loop. */
export type DropReason = 'auto_submitted' | 'bulk' | 'own_address' | 'bounce';

export const DROP_REASONS: readonly DropReason[] = ['auto_submitted', 'bulk', 'own_address', 'bounce'];

const BOUNCERS = /^(mailer-daemon|postmaster|bounces?|no-?reply-bounces?)([+-].*)?@/;

/**
 * Whether a mail must not become a customer's line (RFC 3834): an automatic one (a vacation
 * reply, a bounce, a list), or one from our own addresses (our own reply come back). Answering any
 * of them could make two robots write to each other forever.
 */
export function dropReason(
  mail: MailMessage,
  envelopeSender: string | null,
  own: { domain: string; from: string },
): DropReason | null {
  const sender = mail.from?.address ?? envelopeSender ?? '';
  if (mail.report || envelopeSender === '' || BOUNCERS.test(sender)) return 'bounce';
  if (mail.autoSubmitted && !mail.autoSubmitted.startsWith('no')) return 'auto_submitted';
  if (mail.precedence && /^(bulk|junk|list|auto_reply)\b/.test(mail.precedence)) return 'bulk';
  if (sender === own.from || sender.endsWith(`@${own.domain}`)) return 'own_address';
  return null;
}

/** The bare address of a `Name <address>` sender setting, lower-case. */
export const bareAddress = (from: string): string =>
  (/<([^<>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
