/** Waiting conversations per skill, in queue order: position, who, topic, and how long they have waited. */
import { useState } from 'react';
import type { QueueEntry } from '../../../api/conversations.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { LayersIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { actionError } from '../../../workspace/workspace-store.ts';
import { useNow } from '../../visitors/use-live.ts';
import { ChannelBadge } from '../channel-badge.tsx';
import { formatWait, visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import { SlaTimer } from '../sla/sla-timer.tsx';
import { onInboxKeyDown } from './inbox-keys.ts';
import { OfflineList } from './offline-list.tsx';

const NO_QUEUE: QueueEntry[] = [];

/** Queue entries grouped by skill, skills in name order. */
export function bySkill(
  items: QueueEntry[],
  skillName: (id: string) => string | null,
): [string, QueueEntry[]][] {
  const groups = new Map<string, QueueEntry[]>();
  for (const item of items) groups.set(item.skillId, [...(groups.get(item.skillId) ?? []), item]);
  return [...groups.entries()].sort((a, b) =>
    (skillName(a[0]) ?? a[0]).localeCompare(skillName(b[0]) ?? b[0]),
  );
}

export function QueueList({ emptyText }: { emptyText: string }) {
  const t = useT();
  const queue = useWorkspace((s) => s.queue, NO_QUEUE);
  const { skillName } = useDirectory();
  return (
    <div className="inbox-sections">
      {queue.length === 0 ? (
        <div className="inbox-empty" data-testid="queue-empty">
          <EmptyState icon={<LayersIcon />} title={t('Nobody is waiting')}>
            <p>{emptyText}</p>
          </EmptyState>
        </div>
      ) : (
        bySkill(queue, skillName).map(([skillId, items]) => (
          <QueueGroup key={skillId} skillId={skillId} items={items} />
        ))
      )}
      <OfflineList />
    </div>
  );
}

export function QueueGroup({ skillId, items }: { skillId: string; items: QueueEntry[] }) {
  const { skillName } = useDirectory();
  const t = useT();
  const now = useNow(1000);
  const headingId = `queue-${skillId}`;
  return (
    <section aria-labelledby={headingId} data-testid="queue-group">
      <h3 className="inbox-heading" id={headingId}>
        {skillName(skillId) ?? t('Skill')}{' '}
        <span className="inbox-heading-count">{t('{count} waiting', { count: items.length })}</span>
      </h3>
      <ul className="inbox-list" onKeyDown={onInboxKeyDown}>
        {items.map((item) => (
          <QueueRow key={item.conversationId} item={item} now={now} />
        ))}
      </ul>
    </section>
  );
}

function QueueRow({ item, now }: { item: QueueEntry; now: number }) {
  const t = useT();
  const store = useWorkspaceStore()!;
  const selected = useWorkspace((s) => s.selectedId === item.conversationId, false);
  const [opening, setOpening] = useState(false);
  const waited = (now - Date.parse(item.enqueuedAt)) / 1000;
  const name = visitorLabel({ ...item, id: item.conversationId, visitorEmail: null });

  async function open() {
    setOpening(true);
    try {
      await store.open(item.conversationId);
    } catch (error) {
      store.notify(actionError(error));
    } finally {
      setOpening(false);
    }
  }

  return (
    <li>
      <button
        type="button"
        className={selected ? 'inbox-row queue-row inbox-row-selected' : 'inbox-row queue-row'}
        onClick={open}
        aria-busy={opening}
        aria-current={selected ? 'true' : undefined}
        data-inbox-item
        data-testid="queue-row"
      >
        <span className="queue-position">
          <span className="visually-hidden">{t('Position')} </span>
          {item.position}
        </span>
        <span className="inbox-row-body">
          <span className="inbox-row-line">
            <span className="inbox-row-name">{name}</span>
            <ChannelBadge channel={item.channel} small />
            <span
              className={waited > 60 ? 'queue-wait queue-wait-long' : 'queue-wait'}
              title={t('Waiting for')}
            >
              {formatWait(waited)}
            </span>
          </span>
          <span className="inbox-row-line">
            <span className="inbox-row-preview">{item.topic ?? t('No topic given')}</span>
            <SlaTimer conversation={item} now={now} small />
            {item.status === 'offered' && <span className="chip chip-small">{t('Offered')}</span>}
          </span>
        </span>
      </button>
    </li>
  );
}
