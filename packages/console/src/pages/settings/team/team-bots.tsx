/** Settings › Team: the account's bots, members of kind `bot`, listed apart from the people. */
import { type Bot, listBots } from '../../../api/bots.ts';
import type { Skill } from '../../../api/types.ts';
import { LoadError } from '../../../components/load-error.tsx';
import { NameChips, skillNames } from '../../../components/skill-picker.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { Link } from '../../../router/router.tsx';
import '../bots/bots.css';

const BACKING: Record<Bot['kind'], string> = {
  answer: 'Answer bot · knowledge base',
  webhook: 'Webhook',
  socket: 'Socket · /v1/bot',
};

/** What a bot can do now: a socket bot needs an open socket; the others are always reachable. */
function status(bot: Bot): { label: string; tone: string } {
  if (bot.kind === 'socket') {
    return bot.connected
      ? { label: 'Connected', tone: 'online' }
      : { label: 'Not connected', tone: 'offline' };
  }
  return bot.skillIds.length ? { label: 'Answering', tone: 'online' } : { label: 'No skill', tone: 'away' };
}

export function TeamBots({ skills, manager }: { skills: Skill[] | undefined; manager: boolean }) {
  const bots = useResource(listBots);
  if (bots.error) return <LoadError error={bots.error} onRetry={bots.reload} />;
  if (!bots.data) return null;
  return (
    <section className="team-bots" aria-labelledby="team-bots-heading" data-testid="team-bots">
      <div className="team-bots-head">
        <div>
          <h3 id="team-bots-heading">Bots</h3>
          <p className="muted">
            Bots answer a skill's new conversations first and hand over to the people above.
          </p>
        </div>
        {manager && (
          <Link to="/settings/bots" className="button">
            {bots.data.length ? 'Manage bots' : 'Add a bot'}
          </Link>
        )}
      </div>
      {bots.data.length === 0 ? (
        <p className="muted team-bots-empty">No bots yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="team-bot-table">
            <thead>
              <tr>
                <th scope="col">Bot</th>
                <th scope="col">Backed by</th>
                <th scope="col">Answers first for</th>
                <th scope="col">Status</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">Actions</span>
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
                            <span className="member-bot-badge">Bot</span>
                            {bot.name}
                          </span>
                          <span className="muted person-email">{bot.tokenPrefix}…</span>
                        </span>
                      </span>
                    </th>
                    <td data-label="Backed by">
                      {BACKING[bot.kind]}
                      {bot.url && <div className="cell-sub mono">{bot.url}</div>}
                    </td>
                    <td data-label="Answers first for">
                      <NameChips names={names} empty="No skill yet" />
                    </td>
                    <td data-label="Status">
                      <span className={`status status-${s.tone}`}>{s.label}</span>
                    </td>
                    {manager && (
                      <td className="cell-actions">
                        <Link
                          to="/settings/bots"
                          className="button button-small"
                          aria-label={`Edit ${bot.name}`}
                        >
                          Edit
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
