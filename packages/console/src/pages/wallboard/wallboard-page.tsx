/** The supervisor's wallboard: queues and service level per skill, and every agent's state and load, every 5 s. */
import { getWallboard, type WallboardAgent, type WallboardSkill } from '../../api/wallboard.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatNumber, formatTime } from '../../components/format.ts';
import { WallboardIcon } from '../../components/icons.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { STATUS_LABELS } from '../../components/people.ts';
import { usePoll } from '../../components/use-poll.ts';
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { ReportError } from '../analytics/report-error.tsx';
import { formatDuration } from '../analytics/report-format.ts';
import { browserTimeZone } from '../settings/sites/time-zones.ts';

export const WALLBOARD_POLL_MS = 5000;
/** Below this share of first responses in time, a skill's card turns red. */
export const SLA_ALERT_SHARE = 0.8;

/** Why a skill needs attention now, or null. */
function alertOf(s: WallboardSkill): string | null {
  if (s.waitingOverTarget > 0)
    return t('{count, number} waiting past the first-response target', { count: s.waitingOverTarget });
  if (s.slaShare !== null && s.slaShare < SLA_ALERT_SHARE)
    return t('Below {share, number, percent} answered within SLA today', { share: SLA_ALERT_SHARE });
  return null;
}

/** 0.8 → "80%" in English, "80 %" in German and Spanish: the locale places the sign. */
const percent = (share: number | null) =>
  share === null ? '—' : formatNumber(share, { style: 'percent', maximumFractionDigits: 0 });

function SkillCard({ skill }: { skill: WallboardSkill }) {
  const t = useT();
  const alert = alertOf(skill);
  const sla = skill.hasTargets
    ? skill.slaDecided
      ? t('{answered, number} of {decided, number} today', {
          answered: skill.answeredWithinSla ?? 0,
          decided: skill.slaDecided,
        })
      : t('None decided yet today')
    : t('No SLA targets for this skill');
  return (
    <li
      className={alert ? 'wallboard-card wallboard-card-alert' : 'wallboard-card'}
      data-testid={`wallboard-skill-${skill.skillId}`}
      aria-label={`${skill.name}${alert ? `: ${alert}` : ''}`}
    >
      <div className="wallboard-card-head">
        <h3 className="wallboard-card-title">{skill.name}</h3>
        {alert ? <span className="badge badge-danger">{alert}</span> : null}
      </div>
      <dl className="wallboard-figures">
        <div>
          <dt>{t('Waiting')}</dt>
          <dd className="wallboard-big" data-testid="waiting">
            {formatNumber(skill.waiting)}
          </dd>
        </div>
        <div>
          <dt>{t('Longest wait')}</dt>
          <dd className="wallboard-big" data-testid="longest-wait">
            {skill.waiting > 0 ? formatDuration(skill.longestWaitSeconds) : '—'}
          </dd>
        </div>
        <div>
          <dt>{t('Within SLA')}</dt>
          <dd className="wallboard-big" data-testid="sla-share">
            {skill.hasTargets ? percent(skill.slaShare) : '—'}
          </dd>
          <dd className="wallboard-note">{sla}</dd>
        </div>
        <div>
          <dt>{t('Abandoned')}</dt>
          <dd className="wallboard-big" data-testid="abandoned">
            {formatNumber(skill.abandonedToday)}
          </dd>
          <dd className="wallboard-note">{t('Today')}</dd>
        </div>
      </dl>
    </li>
  );
}

function StateBadge({ agent }: { agent: WallboardAgent }) {
  const t = useT();
  const label =
    agent.state === 'away' && agent.awayReason
      ? t('Away · {reason}', { reason: agent.awayReason })
      : STATUS_LABELS[agent.state];
  return <span className={`badge wallboard-state wallboard-state-${agent.state}`}>{label}</span>;
}

function LoadBar({ agent }: { agent: WallboardAgent }) {
  const t = useT();
  const used = agent.chats + agent.offered;
  const pct = Math.min(100, Math.round(agent.load * 100));
  const level = agent.load >= 1 ? 'full' : agent.load >= 0.75 ? 'high' : 'ok';
  return (
    <div className="wallboard-load">
      <div className="wallboard-load-track" aria-hidden="true">
        <span className={`wallboard-load-fill wallboard-load-${level}`} style={{ width: `${pct}%` }} />
      </div>
      <span className="wallboard-load-text">
        {formatNumber(used)} / {formatNumber(agent.capacity)}
        <span className="visually-hidden"> {t('chats of capacity')}</span>
      </span>
    </div>
  );
}

function AgentsTable({ agents }: { agents: WallboardAgent[] }) {
  const t = useT();
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="wallboard-agents">
        <caption className="visually-hidden">{t('Agents now')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('Agent')}</th>
            <th scope="col">{t('State')}</th>
            <th scope="col" className="cell-number">
              {t('In state')}
            </th>
            <th scope="col" className="cell-number">
              {t('Chats')}
            </th>
            <th scope="col" className="cell-number">
              {t('Calls')}
            </th>
            <th scope="col">{t('Load')}</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.id} data-testid={`wallboard-agent-${a.id}`}>
              <th scope="row" className="cell-strong">
                {a.name}
                {a.state !== 'offline' && !a.connected ? (
                  <span className="wallboard-note"> · {t('console closed')}</span>
                ) : null}
              </th>
              <td>
                <StateBadge agent={a} />
              </td>
              <td className="cell-number">{formatDuration(a.secondsInState)}</td>
              <td className="cell-number">
                {formatNumber(a.chats)}
                {a.offered > 0 ? (
                  <span className="wallboard-note">
                    {' '}
                    {t('+{count, number} offered', { count: a.offered })}
                  </span>
                ) : null}
              </td>
              <td className="cell-number">{formatNumber(a.calls)}</td>
              <td>
                <LoadBar agent={a} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Board() {
  const t = useT();
  const tz = browserTimeZone();
  const { data, error } = usePoll(() => getWallboard(tz), WALLBOARD_POLL_MS, tz);
  if (error !== undefined && !data) return <ReportError error={error} />;
  if (!data) return <LoadingState label={t('Loading the wallboard…')} />;
  return (
    <>
      <p className="live-status wallboard-updated">
        <span className="live-dot" aria-hidden="true" />
        {t('Updated {time} · refreshes every 5 s', { time: formatTime(data.at) })}
      </p>
      <section aria-labelledby="wallboard-skills">
        <h2 id="wallboard-skills" className="section-title">
          {t('Skills')}
        </h2>
        {data.skills.length ? (
          <ul className="wallboard-grid" data-testid="wallboard-skills">
            {data.skills.map((s) => (
              <SkillCard key={s.skillId} skill={s} />
            ))}
          </ul>
        ) : (
          <EmptyState icon={<WallboardIcon />} title={t('No skills yet')} testId="wallboard-no-skills">
            {t('Add skills in Settings to see a queue per skill here.')}
          </EmptyState>
        )}
      </section>
      <section aria-labelledby="wallboard-agents-title">
        <h2 id="wallboard-agents-title" className="section-title">
          {t('Agents')}
        </h2>
        {data.agents.length ? (
          <AgentsTable agents={data.agents} />
        ) : (
          <EmptyState icon={<WallboardIcon />} title={t('No agents yet')} testId="wallboard-no-agents">
            {t('Invite agents in Settings to see their state and load here.')}
          </EmptyState>
        )}
      </section>
    </>
  );
}

export function WallboardPage() {
  const t = useT();
  const { user } = useSession();
  return (
    <div className="wallboard" data-testid="wallboard">
      <PageHeader
        title={t('Wallboard')}
        description={t(
          'Queues, service level and agents, live. A card turns red when a chat waits past its target or fewer than {share, number, percent} were answered in time today.',
          { share: SLA_ALERT_SHARE },
        )}
      />
      {canManage(user.role) ? (
        <Board />
      ) : (
        <div className="alert alert-info" role="status" data-testid="wallboard-forbidden">
          {t('The wallboard is for owners and admins.')}
        </div>
      )}
    </div>
  );
}
