/** Settings › Bots: members of kind bot that answer a skill's new chats first, then hand over to people. */
import { useState } from 'react';
import { type Bot, deleteBot, listBots } from '../../../api/bots.ts';
import { listSkills } from '../../../api/skills.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ConversationsIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { canManage, useSession } from '../../../session/session-context.tsx';
import { BotFormDialog } from './bot-form-dialog.tsx';
import './bots.css';

const KIND_LABELS: Record<Bot['kind'], string> = {
  answer: 'Answer bot',
  webhook: 'Webhook',
  socket: 'Socket',
};

export function BotsTab() {
  const { user } = useSession();
  const manager = canManage(user.role);
  const bots = useResource(listBots);
  const skills = useResource(listSkills);
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<Bot | null>(null);
  const skillName = (id: string) => skills.data?.find((s) => s.id === id)?.name ?? id;

  const newButton = manager && (
    <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
      <PlusIcon />
      New bot
    </button>
  );

  return (
    <section aria-labelledby="bots-heading">
      <SectionHeader
        title="Bots"
        id="bots-heading"
        description="A bot answers a skill's new chats first. It replies, offers buttons and cards, and hands the chat to a person when it cannot help or does not answer in time."
        actions={bots.data && bots.data.length > 0 ? newButton : null}
      />
      {bots.loading && !bots.data ? (
        <LoadingState label="Loading bots…" />
      ) : bots.error ? (
        <LoadError error={bots.error} onRetry={bots.reload} />
      ) : bots.data && bots.data.length === 0 ? (
        <EmptyState icon={<ConversationsIcon />} title="No bots yet" testId="bots-empty" actions={newButton}>
          <p>
            Start with the answer bot: it answers from your knowledge base and hands over when an article does
            not help. Or connect your own bot by webhook or socket.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="bots-table">
            <thead>
              <tr>
                <th scope="col">Bot</th>
                <th scope="col">Kind</th>
                <th scope="col">Answers first for</th>
                <th scope="col">Hands over after</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {bots.data?.map((bot) => (
                <tr key={bot.id} data-testid="bot-row">
                  <th scope="row" className="cell-strong">
                    <span className="member-bot-badge">Bot</span> {bot.name}
                  </th>
                  <td>
                    {KIND_LABELS[bot.kind]}
                    {bot.kind === 'answer' && (
                      <span className="cell-sub">
                        {' '}
                        · answers at {Math.round(bot.threshold * 100)}% confidence
                      </span>
                    )}
                    {bot.url && <div className="cell-sub mono">{bot.url}</div>}
                  </td>
                  <td>
                    {bot.skillIds.length ? (
                      bot.skillIds.map(skillName).join(', ')
                    ) : (
                      <span className="cell-sub">No skill yet</span>
                    )}
                  </td>
                  <td>{bot.timeoutSeconds} s without an answer</td>
                  {manager && (
                    <td className="cell-actions">
                      <button
                        type="button"
                        className="button button-small button-danger-quiet"
                        onClick={() => setRemoving(bot)}
                        aria-label={`Delete ${bot.name}`}
                      >
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <BotFormDialog
          skills={skills.data ?? []}
          onSaved={() => {
            bots.reload();
            skills.reload();
          }}
          onClose={() => setCreating(false)}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Delete ${removing.name}?`}
          confirmLabel="Delete bot"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await deleteBot(removing.id);
            bots.reload();
            skills.reload();
          }}
        >
          <p>Its skills send new chats straight to people, and the chats it holds now join their queues.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
