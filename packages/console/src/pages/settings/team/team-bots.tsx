/** Settings › Team: the account's bots, members of kind `bot`, listed apart from the people. */
import { type Bot, listBots } from '../../../api/bots.ts';
import type { Skill } from '../../../api/types.ts';
import { LoadError } from '../../../components/load-error.tsx';
import { NameChips, skillNames } from '../../../components/skill-picker.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { Link } from '../../../router/router.tsx';
import '../bots/bots.css';

// Getters: each read gives the label in the console's language at that moment.
const BACKING: Record<Bot['kind'], string> = {
  get answer() {
    return t('Answer bot · knowledge base');
  },
  get webhook() {
    return t('Webhook');
  },
  get socket() {
    return t('Socket · /v1/bot');
  },
};

/** What a bot can do now: a socket bot needs an open socket; the others are always reachable. */
function status(bot: Bot): { label: string; tone: string } {
  if (bot.kind === 'socket') {
    return bot.connected
      ? { label: t('Connected'), tone: 'online' }
      : { label: t('Not connected'), tone: 'offline' };
  }
  return bot.skillIds.length
    ? { label: t('Answering'), tone: 'online' }
    : { label: t('No skill'), tone: 'away' };
}

export function TeamBots({ skills, manager }: { skills: Skill[] | undefined; manager: boolean }) {
  const t = useT();
  const bots = useResource(listBots);
  if (bots.error) return <LoadError error={bots.error} onRetry={bots.reload} />;
  if (!bots.data) return null;
  return (
    <section className="team-bots" aria-labelledby="team-bots-heading" data-testid="team-bots">
      <div className="team-bots-head">
        <div>
          <h3 id="team-bots-heading">{t('Bots')}</h3>
          <p className="muted">
            {t("Bots answer a skill's new conversations first and hand over to the people above.")}
          </p>
        </div>
        {manager && (
          <Link to="/settings/bots" className="button">
            {bots.data.length ? t('Manage bots') : t('Add a bot')}
          </Link>
        )}
      </div>
      {bots.data.length === 0 ? (
        <p className="muted team-bots-empty">{t('No bots yet.')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="team-bot-table">
            <thead>
              <tr>
                <th scope="col">{t('Bot')}</th>
                <th scope="col">{t('Backed by')}</th>
                <th scope="col">{t('Answers first for')}</th>
                <th scope="col">{t('Status')}</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">{t('Actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {bots.data.map((bot) => {
                const names = skillNames(bot.skillIds, skills);
                const s = status(bot);
                return (
                  <tr key={bot.id} data-testid="team-bot-row" data-bot-id={bot.id}>
                    <th scope="row">
                      <span className="cell-person">
                        <span className="avatar avatar-small avatar-bot" aria-hidden="true">
                          ⚙
                        </span>
                        <span className="person">
                          <span className="cell-strong">
                            <span className="member-bot-badge">{t('Bot')}</span>
                            {bot.name}
                          </span>
                          <span className="muted person-email">{bot.tokenPrefix}…</span>
                        </span>
                      </span>
                    </th>
                    <td data-label={t('Backed by')}>
                      {BACKING[bot.kind]}
                      {bot.url && <div className="cell-sub mono">{bot.url}</div>}
                    </td>
                    <td data-label={t('Answers first for')}>
                      <NameChips names={names} empty={t('No skill yet')} />
                    </td>
                    <td data-label={t('Status')}>
                      <span className={`status status-${s.tone}`}>{s.label}</span>
                    </td>
                    {manager && (
                      <td className="cell-actions">
                        <Link
                          to="/settings/bots"
                          className="button button-small"
                          aria-label={t('Edit {name}', { name: bot.name })}
                        >
                          {t('Edit')}
                        </Link>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
