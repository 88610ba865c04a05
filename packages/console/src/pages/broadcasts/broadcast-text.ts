/** How the broadcast pages name statuses, channels, recipient states and skip reasons, in the console's language. */
import type { BroadcastChannel, BroadcastStatus } from '../../api/broadcasts.ts';
import { t } from '../../i18n/i18n.ts';

export const CHANNELS: readonly BroadcastChannel[] = ['whatsapp', 'sms', 'email', 'app', 'push'];

export function channelLabel(channel: string): string {
  switch (channel) {
    case 'whatsapp':
      return 'WhatsApp';
    case 'sms':
      return t('SMS');
    case 'email':
      return t('E-mail');
    case 'app':
      return t('In-app message');
    case 'push':
      return t('Push');
    default:
      return channel;
  }
}

export function statusLabel(status: BroadcastStatus): string {
  switch (status) {
    case 'draft':
      return t('Draft');
    case 'scheduled':
      return t('Scheduled');
    case 'sending':
      return t('Sending');
    case 'sent':
      return t('Sent');
    case 'cancelled':
      return t('Cancelled');
  }
}

/** The badge class of a status: sending is live, scheduled waits, cancelled stopped. */
export const statusTone = (status: BroadcastStatus) =>
  ({
    draft: 'badge-neutral',
    scheduled: 'badge-outcome-pending',
    sending: 'badge-active',
    sent: 'badge-control',
    cancelled: 'badge-paused',
  })[status];

/** Still going: the detail view polls while a broadcast is in one of these. */
export const isLive = (status: BroadcastStatus) => status === 'scheduled' || status === 'sending';

/** True while a broadcast may still be changed: a draft, or scheduled and not started. */
export const editable = (b: { status: BroadcastStatus; startedAt: string | null }): boolean =>
  b.startedAt === null && (b.status === 'draft' || b.status === 'scheduled');

/** A recipient's state: held out, skipped, or how far its message got. */
export function recipientStateLabel(state: string): string {
  switch (state) {
    case 'held_out':
      return t('Held out');
    case 'skipped':
      return t('Skipped');
    case 'queued':
      return t('Queued');
    case 'sent':
      return t('Sent');
    case 'delivered':
      return t('Delivered');
    case 'read':
      return t('Read');
    case 'failed':
      return t('Failed');
    case 'in_doubt':
      return t('In doubt');
    case 'withdrawn':
      return t('Withdrawn');
    default:
      return state;
  }
}

/** A skip reason as the server writes it (`opted out`, `no reachable channel`, `no attributes.order`), for people. */
export function reasonLabel(reason: string): string {
  if (reason === 'opted out') return t('Opted out');
  if (reason === 'no reachable channel') return t('No reachable channel');
  // A message in doubt (the outbox's IN_DOUBT_REASON).
  if (reason.startsWith('not known whether the provider took it'))
    return t(
      'Not known whether the provider took it: the send was cut off before its answer, so it is not sent again.',
    );
  if (reason === 'the broadcast was cancelled') return t('The broadcast was cancelled');
  // A template's variable with no value (`no attributes.order`); other reasons that start with "no"
  // (`no outgoing mail server is set up`) are the server's own words.
  const missing = /^no ([\w.-]+)$/.exec(reason);
  if (missing) return t('No value for {field}', { field: missing[1]! });
  return reason;
}
