/**
 * Callbacks visitors asked for: scheduled ones with their window (before they fall due), and due
 * ones, which are offered like conversations and open here too.
 */
import type { CallbackView } from '@beckon/protocol/call-protocol';
import { request } from '../../../api/http.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { PhoneIcon } from '../../../components/icons.tsx';
import { currentLocale } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { actionError } from '../../../workspace/workspace-store.ts';
import { onInboxKeyDown } from './inbox-keys.ts';
import { useRefreshed } from './use-refreshed.ts';

/** "Thu 27 Nov, 09:00–11:00" in the agent's time zone and console language. */
export function callbackWindow(c: Pick<CallbackView, 'windowStart' | 'windowEnd'>): string {
  const start = new Date(c.windowStart);
  const locale = currentLocale();
  const day = start.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'short' });
  const time = (d: Date) => d.toLocaleTimeString(locale, { timeStyle: 'short' });
  return `${day}, ${time(start)}–${time(new Date(c.windowEnd))}`;
}

const loadCallbacks = () =>
  request<{ callbacks: CallbackView[] }>('GET', '/api/v1/callbacks?status=open').then((r) => r.callbacks);

export function CallbacksList() {
  const t = useT();
  const items = useRefreshed<CallbackView[]>(loadCallbacks);
  if (items === null) return null;
  if (items.length === 0)
    return (
      <div className="inbox-empty" data-testid="callbacks-empty">
        <EmptyState icon={<PhoneIcon />} title={t('No callbacks waiting')}>
          {t(
            'Callbacks visitors ask for show here with their time window. At their time they are offered like chats.',
          )}
        </EmptyState>
      </div>
    );
  const due = items.filter((c) => c.status === 'queued');
  const scheduled = items.filter((c) => c.status === 'scheduled');
  return (
    <div data-testid="callbacks-list">
      {due.length > 0 && <CallbackGroup id="callbacks-due" title={t('Due now')} items={due} />}
      {scheduled.length > 0 && (
        <CallbackGroup id="callbacks-scheduled" title={t('Scheduled')} items={scheduled} />
      )}
    </div>
  );
}

function CallbackGroup({ id, title, items }: { id: string; title: string; items: CallbackView[] }) {
  return (
    <section aria-labelledby={id}>
      <h3 className="inbox-heading" id={id}>
        {title} <span className="inbox-heading-count">{items.length}</span>
      </h3>
      <ul className="inbox-list" onKeyDown={onInboxKeyDown}>
        {items.map((c) => (
          <CallbackRow key={c.id} c={c} />
        ))}
      </ul>
    </section>
  );
}

function CallbackRow({ c }: { c: CallbackView }) {
  const t = useT();
  const store = useWorkspaceStore()!;
  const task = c.taskConversationId ?? null;
  const selected = useWorkspace((s) => task !== null && s.selectedId === task, false);
  async function open() {
    if (!task) return;
    try {
      await store.open(task);
    } catch (error) {
      store.notify(actionError(error));
    }
  }
  return (
    <li>
      <button
        type="button"
        className={selected ? 'inbox-row inbox-row-selected' : 'inbox-row'}
        onClick={open}
        aria-disabled={task ? undefined : 'true'}
        aria-current={selected ? 'true' : undefined}
        data-inbox-item
        data-testid="callback-row"
      >
        <span className="inbox-row-body">
          <span className="inbox-row-line">
            <span className="inbox-row-name">{c.phone}</span>
            <span className={task ? 'badge badge-paused' : 'badge badge-neutral'}>
              {task ? t('Due') : t('Scheduled')}
            </span>
          </span>
          <span className="inbox-row-line">
            <span className="inbox-row-preview">
              {[callbackWindow(c), c.topic, c.attempts > 1 ? t('try {n}', { n: c.attempts }) : null]
                .filter(Boolean)
                .join(' · ')}
            </span>
          </span>
        </span>
      </button>
    </li>
  );
}
