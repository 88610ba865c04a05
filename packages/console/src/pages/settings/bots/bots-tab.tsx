/** Settings › Bots: members of kind bot that answer a skill's new chats first, then hand over to people. */
import { useState } from 'react';
import { type Bot, deleteBot, listBots } from '../../../api/bots.ts';
import { listSkills } from '../../../api/skills.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatNumber } from '../../../components/format.ts';
import { ConversationsIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { canManage, useSession } from '../../../session/session-context.tsx';
import { BotFormDialog } from './bot-form-dialog.tsx';
import './bots.css';

/** A bot's kind in the console's language. */
function kindLabel(t: ReturnType<typeof useT>, kind: Bot['kind']): string {
  switch (kind) {
    case 'answer':
      return t('Answer bot');
    case 'webhook':
      return t('Webhook');
    case 'socket':
      return t('Socket');
  }
}

export function BotsTab() {
  const t = useT();
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
      {t('New bot')}
    </button>
  );

  return (
    <section aria-labelledby="bots-heading">
      <SectionHeader
        title={t('Bots')}
        id="bots-heading"
        description={t(
          "A bot answers a skill's new chats first. It replies, offers buttons and cards, and hands the chat to a person when it cannot help or does not answer in time.",
        )}
        actions={bots.data && bots.data.length > 0 ? newButton : null}
      />
      {bots.loading && !bots.data ? (
        <LoadingState label={t('Loading bots…')} />
      ) : bots.error ? (
        <LoadError error={bots.error} onRetry={bots.reload} />
      ) : bots.data && bots.data.length === 0 ? (
        <EmptyState
          icon={<ConversationsIcon />}
          title={t('No bots yet')}
          testId="bots-empty"
          actions={newButton}
        >
          <p>
            {t(
              'Start with the answer bot: it answers from your knowledge base and hands over when an article does not help. Or connect your own bot by webhook or socket.',
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="bots-table">
            <thead>
              <tr>
                <th scope="col">{t('Bot')}</th>
                <th scope="col">{t('Kind')}</th>
                <th scope="col">{t('Answers first for')}</th>
                <th scope="col">{t('Hands over after')}</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">{t('Actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {bots.data?.map((bot) => (
                <tr key={bot.id} data-testid="bot-row">
                  <th scope="row" className="cell-strong">
                    <span className="member-bot-badge">{t('Bot')}</span> {bot.name}
                  </th>
                  <td>
                    {kindLabel(t, bot.kind)}
                    {bot.kind === 'answer' && (
                      <span className="cell-sub">
                        {' '}
                        ·{' '}
                        {t('answers at {share} confidence', {
                          share: `${formatNumber(Math.round(bot.threshold * 100))}%`,
                        })}
                      </span>
                    )}
                    {bot.url && <div className="cell-sub mono">{bot.url}</div>}
                  </td>
                  <td>
                    {bot.skillIds.length ? (
                      bot.skillIds.map(skillName).join(', ')
                    ) : (
                      <span className="cell-sub">{t('No skill yet')}</span>
                    )}
                  </td>
                  <td>{t('{seconds} s without an answer', { seconds: formatNumber(bot.timeoutSeconds) })}</td>
                  {manager && (
                    <td className="cell-actions">
                      <button
                        type="button"
                        className="button button-small button-danger-quiet"
                        onClick={() => setRemoving(bot)}
                        aria-label={t('Delete {name}', { name: bot.name })}
                      >
                        {t('Delete')}
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
          title={t('Delete {name}?', { name: removing.name })}
          confirmLabel={t('Delete bot')}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await deleteBot(removing.id);
            bots.reload();
            skills.reload();
          }}
        >
          <p>
            {t('Its skills send new chats straight to people, and the chats it holds now join their queues.')}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
