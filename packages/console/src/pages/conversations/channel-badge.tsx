/** Marks a conversation that is not a web chat (e-mail, in-app, …), so lists tell them apart at a glance. */
import type { Conversation } from '../../api/conversations.ts';
import { useLanguage } from '../../i18n/language-context.tsx';
import { CHANNEL_LABELS } from './conversation-format.ts';
import './channel-badge.css';

export function ChannelBadge({
  channel,
  small = false,
}: {
  channel: Conversation['channel'];
  small?: boolean;
}) {
  useLanguage(); // the label follows a switch of language
  // Web chat is the usual case; a badge on every row would say nothing.
  if (channel === 'web') return null;
  return (
    <span
      className={small ? 'badge badge-channel badge-channel-small' : 'badge badge-channel'}
      data-testid="channel-badge"
      data-channel={channel}
    >
      {CHANNEL_LABELS[channel]}
    </span>
  );
}
