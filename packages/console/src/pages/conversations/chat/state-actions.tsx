/**
 * Where an open chat stands for its agent: mark it pending (waiting on the customer), snooze it
 * until a time, or open it again. The customer's next line opens it by itself.
 */
import type { Conversation } from '@beckon/protocol/chat-api';
import { useEffect, useRef, useState } from 'react';
import { setConversationState } from '../../../api/conversations.ts';
import { currentLocale, t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';

/** The times a snooze offers, from now: later today, tomorrow morning, next Monday morning. */
export function snoozeChoices(now: Date): { label: string; until: Date }[] {
  const inHours = (h: number) => new Date(now.getTime() + h * 3600_000);
  const morning = (daysAhead: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + daysAhead);
    d.setHours(9, 0, 0, 0);
    return d;
  };
  const toMonday = ((8 - now.getDay()) % 7 || 7) as number;
  return [
    { label: t('In {count, plural, one {# hour} other {# hours}}', { count: 1 }), until: inHours(1) },
    { label: t('In {count, plural, one {# hour} other {# hours}}', { count: 4 }), until: inHours(4) },
    { label: t('Tomorrow, 9:00'), until: morning(1) },
    { label: t('Next Monday, 9:00'), until: morning(toMonday) },
  ];
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(currentLocale(), { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** The badge beside the status: Pending, or Snoozed until a time; nothing for an open chat. */
export function StateBadge({ conversation }: { conversation: Conversation }) {
  const t = useT();
  if (conversation.state === 'pending')
    return (
      <span
        className="badge badge-state-pending"
        title={t("Waiting on the customer's answer")}
        data-testid="state-badge"
      >
        {t('Pending')}
      </span>
    );
  if (conversation.state === 'snoozed' && conversation.snoozedUntil)
    return (
      <span className="badge badge-state-snoozed" data-testid="state-badge">
        {t('Snoozed until {time}', { time: when(conversation.snoozedUntil) })}
      </span>
    );
  return null;
}

export function StateActions({
  conversation,
  onError,
}: {
  conversation: Conversation;
  onError: (error: unknown) => void;
}) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [menu, setMenu] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const away = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) setMenu(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setMenu(false);
    };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', onKey);
    menuRef.current?.querySelector<HTMLButtonElement>('.snooze-choice')?.focus();
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', onKey);
    };
  }, [menu]);

  async function set(state: 'open' | 'pending' | 'snoozed', until?: Date) {
    setBusy(true);
    setMenu(false);
    try {
      await setConversationState(conversation.id, {
        state,
        ...(until ? { until: until.toISOString() } : {}),
      });
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  const waiting = conversation.state === 'pending' || conversation.state === 'snoozed';
  return (
    <>
      {waiting ? (
        <button
          type="button"
          className="button button-small"
          disabled={busy}
          onClick={() => set('open')}
          data-testid="state-open"
        >
          {t('Mark open')}
        </button>
      ) : (
        <button
          type="button"
          className="button button-small"
          disabled={busy}
          onClick={() => set('pending')}
          title={t('Waiting on the customer: their next message opens it again')}
          data-testid="state-pending"
        >
          {t('Mark pending')}
        </button>
      )}
      <div className="snooze" ref={menuRef}>
        <button
          type="button"
          className="button button-small"
          disabled={busy}
          aria-haspopup="menu"
          aria-expanded={menu}
          onClick={() => setMenu((m) => !m)}
          data-testid="state-snooze"
        >
          {t('Snooze')}
        </button>
        {menu && (
          <div className="snooze-menu" role="menu" aria-label={t('Snooze until')}>
            {snoozeChoices(new Date()).map((choice) => (
              <button
                key={choice.label}
                type="button"
                role="menuitem"
                className="snooze-choice"
                onClick={() => set('snoozed', choice.until)}
              >
                <span>{choice.label}</span>
                <span className="muted">{when(choice.until.toISOString())}</span>
              </button>
            ))}
          </div>
        )}
      </div>
    </>
  );
}
