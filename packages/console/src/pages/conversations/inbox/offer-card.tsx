/** A chat offered to this agent: who, about what, what they wrote, and Accept before the countdown ends. */
import { useState } from 'react';
import { initials } from '../../../components/people.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import type { Offer } from '../../../workspace/workspace-state.ts';
import { actionError } from '../../../workspace/workspace-store.ts';
import { useNow } from '../../visitors/use-live.ts';
import { ChannelBadge } from '../channel-badge.tsx';
import { messagePreview, skillAndTopic, visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';

export function OfferCard({ offer }: { offer: Offer }) {
  const t = useT();
  const store = useWorkspaceStore()!;
  const chat = useWorkspace((s) => s.chats[offer.conversationId], undefined);
  const { skill } = useDirectory();
  const now = useNow(500);
  const [busy, setBusy] = useState<'accept' | 'decline' | null>(null);
  if (!chat) return null;
  const c = chat.conversation;
  const timeout = (skill(c.skillId)?.offerTimeoutSeconds ?? 30) * 1000;
  const expires = offer.expiresAt
    ? Date.parse(offer.expiresAt)
    : c.offeredAt
      ? Date.parse(c.offeredAt) + timeout
      : null;
  const left = expires === null ? null : Math.max(0, Math.ceil((expires - now) / 1000));
  const share = expires === null ? 1 : Math.max(0, Math.min(1, (expires - now) / timeout));
  const firstLine = chat.messages.find((m) => m.senderKind === 'visitor');

  async function act(kind: 'accept' | 'decline') {
    setBusy(kind);
    try {
      if (kind === 'accept') await store.accept(c.id);
      else await store.decline(c.id);
    } catch (error) {
      store.notify(actionError(error));
      setBusy(null);
    }
  }

  const name = visitorLabel(c);
  return (
    <li className="offer-card" data-testid="offer-card" aria-label={t('Chat offer from {name}', { name })}>
      <div className="offer-top">
        <span className="avatar avatar-small avatar-visitor" aria-hidden="true">
          {initials(name)}
        </span>
        <div className="offer-who">
          <span className="offer-name" title={name}>
            {name}
          </span>
          <span className="offer-meta">
            <ChannelBadge channel={c.channel} small />
            {skillAndTopic(skill(c.skillId)?.name ?? null, c.topic).join(' · ') || t('New chat')}
          </span>
        </div>
        {left !== null && (
          <span className="offer-clock" data-testid="offer-countdown">
            <span aria-hidden="true">{left}s</span>
            <span className="visually-hidden">
              {t('{left, plural, one {# second left} other {# seconds left}}', { left })}
            </span>
          </span>
        )}
      </div>
      {firstLine && (
        <p className="offer-preview">
          <span className="offer-preview-text">{messagePreview(firstLine, null)}</span>
        </p>
      )}
      <div className="offer-timer" aria-hidden="true">
        <span className="offer-timer-fill" style={{ transform: `scaleX(${share})` }} />
      </div>
      <div className="offer-actions">
        <button
          type="button"
          className="button button-small"
          onClick={() => act('decline')}
          disabled={busy !== null}
        >
          {busy === 'decline' ? t('Declining…') : t('Decline')}
        </button>
        <button
          type="button"
          className="button button-small button-primary"
          onClick={() => act('accept')}
          disabled={busy !== null}
          data-autofocus
        >
          {busy === 'accept' ? t('Accepting…') : t('Accept')}
        </button>
      </div>
    </li>
  );
}
