/**
 * The left pane: "Mine" (offers and my chats), "Queue" (who waits in my skills), "Callbacks"
 * (scheduled and due) and, for owners and admins, "All live". ↓/↑ (or j/k) move through rows; j/k outside a text field, or Alt+↓/↑
 * anywhere, switch chats.
 */
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useContactNames } from '../../../api/contact-names.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import type { WorkspaceState } from '../../../workspace/workspace-state.ts';
import { CallbacksList } from './callbacks-list.tsx';
import { typingInField } from './inbox-keys.ts';
import { LiveList } from './live-list.tsx';
import { MineList } from './mine-list.tsx';
import { QueueList } from './queue-list.tsx';

type Tab = 'mine' | 'queue' | 'callbacks' | 'live';
const NO_CHATS: WorkspaceState['chats'] = {};
const NO_LIVE: WorkspaceState['live'] = {};
const NO_QUEUE: WorkspaceState['queue'] = [];

export function InboxPane({ supervisor }: { supervisor: boolean }) {
  const t = useT();
  const store = useWorkspaceStore()!;
  const [tab, setTab] = useState<Tab>('mine');
  const chats = useWorkspace((s) => s.chats, NO_CHATS);
  const live = useWorkspace((s) => s.live, NO_LIVE);
  const queue = useWorkspace((s) => s.queue, NO_QUEUE);
  // Every row names its visitor by their contact where one is known.
  useContactNames([...Object.values(chats).map((c) => c.conversation), ...Object.values(live), ...queue]);
  const mineCount = useWorkspace((s) => s.mine.length + s.offers.length + s.joined.length, 0);
  const queueCount = useWorkspace((s) => s.queue.length, 0);
  const liveCount = useWorkspace((s) => Object.keys(s.live).length, 0);
  const offers = useWorkspace((s) => s.offers.length, 0);
  const tabs: { id: Tab; label: string; count: number }[] = [
    { id: 'mine', label: t('Mine'), count: mineCount },
    { id: 'queue', label: t('Queue'), count: queueCount },
    { id: 'callbacks', label: t('Callbacks'), count: 0 },
    ...(supervisor ? [{ id: 'live' as const, label: t('All live'), count: liveCount }] : []),
  ];
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  // A new offer brings the agent back to "Mine", where it can be accepted.
  useEffect(() => {
    if (offers > 0) setTab('mine');
  }, [offers]);

  // j/k outside a text field, or Alt+↓/↑ anywhere (the composer too): the next or previous of my chats.
  useEffect(() => {
    function onKey(event: globalThis.KeyboardEvent) {
      const alt = event.altKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp');
      const letter = (event.key === 'j' || event.key === 'k') && !event.altKey;
      if (!alt && !letter) return;
      if (event.ctrlKey || event.metaKey || (letter && typingInField(event.target))) return;
      if (document.querySelector('dialog[open]')) return;
      const s = store.getState();
      if (s.mine.length === 0) return;
      const down = event.key === 'j' || event.key === 'ArrowDown';
      const at = s.selectedId ? s.mine.indexOf(s.selectedId) : -1;
      const id = s.mine[at < 0 ? 0 : Math.min(s.mine.length - 1, Math.max(0, at + (down ? 1 : -1)))];
      if (!id) return;
      event.preventDefault();
      setTab('mine');
      store.select(id);
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [store]);

  function onTabKey(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const at = tabs.findIndex((each) => each.id === tab);
    const next = tabs[(at + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
    setTab(next.id);
    tabRefs.current[next.id]?.focus();
    event.preventDefault();
  }

  return (
    <aside className="pane inbox-pane" aria-label={t('Inbox')} data-testid="inbox">
      <div className="inbox-tabs" role="tablist" aria-label={t('Inbox views')} onKeyDown={onTabKey}>
        {tabs.map((each) => (
          <button
            key={each.id}
            ref={(el) => {
              tabRefs.current[each.id] = el;
            }}
            type="button"
            role="tab"
            id={`inbox-tab-${each.id}`}
            aria-selected={tab === each.id}
            aria-controls="inbox-panel"
            tabIndex={tab === each.id ? 0 : -1}
            className={tab === each.id ? 'inbox-tab inbox-tab-current' : 'inbox-tab'}
            onClick={() => setTab(each.id)}
            data-testid={`inbox-tab-${each.id}`}
          >
            {each.label}
            {each.count > 0 && <span className="inbox-tab-count">{each.count}</span>}
          </button>
        ))}
      </div>
      <div className="inbox-panel" id="inbox-panel" role="tabpanel" aria-labelledby={`inbox-tab-${tab}`}>
        {tab === 'mine' && <MineList />}
        {tab === 'queue' && (
          <QueueList
            emptyText={
              supervisor
                ? t('Visitors waiting in any skill show here, oldest and most valuable first.')
                : t('Visitors waiting in your skills show here, oldest and most valuable first.')
            }
          />
        )}
        {tab === 'callbacks' && <CallbacksList />}
        {tab === 'live' && <LiveList />}
      </div>
    </aside>
  );
}
