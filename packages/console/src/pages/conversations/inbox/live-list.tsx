/** Supervisors: every live conversation by agent, and every skill's queue; any of them opens read-only. */
import { useMemo, useState } from 'react';
import type { Conversation, QueueEntry } from '../../../api/conversations.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { TeamIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { actionError } from '../../../workspace/workspace-store.ts';
import { useNow } from '../../visitors/use-live.ts';
import { ChannelBadge } from '../channel-badge.tsx';
import { formatWait, skillAndTopic, visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import { SlaTimer } from '../sla/sla-timer.tsx';
import { onInboxKeyDown } from './inbox-keys.ts';
import { bySkill, QueueGroup } from './queue-list.tsx';

const NO_LIVE: Record<string, Conversation> = {};
const NO_QUEUE: QueueEntry[] = [];

export function LiveList() {
  const t = useT();
  const live = useWorkspace((s) => s.live, NO_LIVE);
  const queue = useWorkspace((s) => s.queue, NO_QUEUE);
  const { userName, skillName } = useDirectory();
  const now = useNow(1000);
  const byAgent = useMemo(() => {
    const groups = new Map<string, Conversation[]>();
    for (const c of Object.values(live)) {
      const key = c.assignedAgentId ?? '';
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const list of groups.values())
      list.sort((a, b) => (a.assignedAt ?? '').localeCompare(b.assignedAt ?? ''));
    return [...groups.entries()].sort((a, b) => (userName(a[0]) ?? '').localeCompare(userName(b[0]) ?? ''));
  }, [live, userName]);
  const total = Object.keys(live).length;

  return (
    <div className="inbox-sections" data-testid="live-list">
      <section aria-labelledby="live-title">
        <h3 className="inbox-heading" id="live-title">
          {t('Live chats')} <span className="inbox-heading-count">{total}</span>
        </h3>
        {total === 0 ? (
          <p className="inbox-note">{t('No agent is chatting right now.')}</p>
        ) : (
          byAgent.map(([agentId, list]) => (
            <div key={agentId} className="live-agent">
              <h4 className="live-agent-name">
                {userName(agentId) ?? t('Unassigned')} <span className="muted">· {list.length}</span>
              </h4>
              <ul className="inbox-list" onKeyDown={onInboxKeyDown}>
                {list.map((c) => (
                  <LiveRow key={c.id} c={c} now={now} />
                ))}
              </ul>
            </div>
          ))
        )}
      </section>
      {queue.length === 0 ? (
        <section aria-labelledby="queues-title">
          <h3 className="inbox-heading" id="queues-title">
            {t('Queues')}
          </h3>
          <p className="inbox-note">{t('Nobody is waiting in any skill’s queue.')}</p>
        </section>
      ) : (
        bySkill(queue, skillName).map(([skillId, items]) => (
          <QueueGroup key={skillId} skillId={skillId} items={items} />
        ))
      )}
      {total === 0 && queue.length === 0 && (
        <div className="inbox-empty">
          <EmptyState icon={<TeamIcon />} title={t('All quiet')}>
            <p>{t('Live chats and waiting visitors of every skill appear here as they happen.')}</p>
          </EmptyState>
        </div>
      )}
    </div>
  );
}

function LiveRow({ c, now }: { c: Conversation; now: number }) {
  const t = useT();
  const store = useWorkspaceStore()!;
  const selected = useWorkspace((s) => s.selectedId === c.id, false);
  const { skillName } = useDirectory();
  const [opening, setOpening] = useState(false);
  const since = c.assignedAt ? (now - Date.parse(c.assignedAt)) / 1000 : 0;

  async function open() {
    setOpening(true);
    try {
      await store.open(c.id);
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
        className={selected ? 'inbox-row inbox-row-selected' : 'inbox-row'}
        onClick={open}
        aria-busy={opening}
        aria-current={selected ? 'true' : undefined}
        data-inbox-item
        data-testid="live-row"
        data-conversation-id={c.id}
      >
        <span className="inbox-row-body">
          <span className="inbox-row-line">
            <span className="inbox-row-name">{visitorLabel(c)}</span>
            <ChannelBadge channel={c.channel} small />
            <span className="queue-wait" title={t('Chatting for')}>
              {formatWait(since)}
            </span>
          </span>
          <span className="inbox-row-line">
            <span className="inbox-row-preview">
              {skillAndTopic(skillName(c.skillId), c.topic).join(' · ') || t('No topic')}
            </span>
            <SlaTimer conversation={c} now={now} small />
          </span>
        </span>
      </button>
    </li>
  );
}
