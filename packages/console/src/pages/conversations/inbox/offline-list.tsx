/** Offline messages: visitors who wrote when nobody could chat. Any agent of the skill can take one and answer. */
import { useContactNames } from '../../../api/contact-names.ts';
import { type Conversation, searchConversations } from '../../../api/conversations.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { actionError } from '../../../workspace/workspace-store.ts';
import { ChannelBadge } from '../channel-badge.tsx';
import { formatListTime, skillAndTopic, visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import { InboxSection } from './inbox-section.tsx';
import { useRefreshed } from './use-refreshed.ts';

/** The offline messages the user may answer. */
const loadOffline = () => searchConversations({ status: 'offline', limit: 50 }).then((page) => page.items);

export function OfflineList() {
  const t = useT();
  const items = useRefreshed<Conversation[]>(loadOffline);
  useContactNames(items ?? []);
  if (!items || items.length === 0) return null;
  return (
    <InboxSection id="offline-title" title={t('Offline messages')} count={items.length} testId="offline-list">
      {items.map((c) => (
        <OfflineRow key={c.id} c={c} />
      ))}
    </InboxSection>
  );
}

function OfflineRow({ c }: { c: Conversation }) {
  const store = useWorkspaceStore()!;
  const selected = useWorkspace((s) => s.selectedId === c.id, false);
  const { skillName } = useDirectory();
  const t = useT();

  async function open() {
    try {
      await store.open(c.id);
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
        aria-current={selected ? 'true' : undefined}
        data-inbox-item
        data-testid="offline-row"
      >
        <span className="inbox-row-body">
          <span className="inbox-row-line">
            <span className="inbox-row-name">{visitorLabel(c)}</span>
            <ChannelBadge channel={c.channel} small />
            <span className="inbox-row-time">{formatListTime(c.createdAt)}</span>
          </span>
          <span className="inbox-row-line">
            <span className="inbox-row-preview">
              {[...skillAndTopic(skillName(c.skillId), c.topic), c.visitorEmail]
                .filter(Boolean)
                .join(' · ') || t('Offline message')}
            </span>
          </span>
        </span>
      </button>
    </li>
  );
}
