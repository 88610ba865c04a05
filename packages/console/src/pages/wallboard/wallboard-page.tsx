/** The supervisor's wallboard: queues and service level per skill, and every agent's state and load, every 5 s. */
import { getWallboard, type WallboardAgent, type WallboardSkill } from '../../api/wallboard.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { WallboardIcon } from '../../components/icons.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { usePoll } from '../../components/use-poll.ts';
import { canManage, useSession } from '../../session/session-context.tsx';
import { ReportError } from '../analytics/report-error.tsx';
import { formatCount, formatDuration, formatPercent } from '../analytics/report-format.ts';
import { browserTimeZone } from '../settings/sites/time-zones.ts';

export const WALLBOARD_POLL_MS = 5000;
/** Below this share of first responses in time, a skill's card turns red. */
export const SLA_ALERT_SHARE = 0.8;

/** Why a skill needs attention now, or null. */
function alertOf(s: WallboardSkill): string | null {
  if (s.waitingOverTarget > 0) return `${s.waitingOverTarget} waiting past the first-response target`;
  if (s.slaShare !== null && s.slaShare < SLA_ALERT_SHARE) return 'Below 80 % answered within SLA today';
  return null;
}

function SkillCard({ skill }: { skill: WallboardSkill }) {
  const alert = alertOf(skill);
  const sla = skill.hasTargets
    ? skill.slaDecided
      ? `${formatCount(skill.answeredWithinSla ?? 0)} of ${formatCount(skill.slaDecided)} today`
      : 'None decided yet today'
    : 'No SLA targets for this skill';
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
          <dt>Waiting</dt>
          <dd className="wallboard-big" data-testid="waiting">
            {formatCount(skill.waiting)}
          </dd>
        </div>
        <div>
          <dt>Longest wait</dt>
          <dd className="wallboard-big" data-testid="longest-wait">
            {skill.waiting > 0 ? formatDuration(skill.longestWaitSeconds) : '—'}
          </dd>
        </div>
        <div>
          <dt>Within SLA</dt>
          <dd className="wallboard-big" data-testid="sla-share">
            {skill.hasTargets ? formatPercent(skill.slaShare, false, 0) : '—'}
          </dd>
          <dd className="wallboard-note">{sla}</dd>
        </div>
        <div>
          <dt>Abandoned</dt>
          <dd className="wallboard-big" data-testid="abandoned">
            {formatCount(skill.abandonedToday)}
          </dd>
          <dd className="wallboard-note">Today</dd>
        </div>
      </dl>
    </li>
  );
}

const STATE_LABEL = { online: 'Online', away: 'Away', offline: 'Offline' } as const;

function StateBadge({ agent }: { agent: WallboardAgent }) {
  const label =
    agent.state === 'away' && agent.awayReason ? `Away · ${agent.awayReason}` : STATE_LABEL[agent.state];
  return <span className={`badge wallboard-state wallboard-state-${agent.state}`}>{label}</span>;
}

function LoadBar({ agent }: { agent: WallboardAgent }) {
  const used = agent.chats + agent.offered;
  const pct = Math.min(100, Math.round(agent.load * 100));
  const level = agent.load >= 1 ? 'full' : agent.load >= 0.75 ? 'high' : 'ok';
  return (
    <div className="wallboard-load">
      <div className="wallboard-load-track" aria-hidden="true">
        <span className={`wallboard-load-fill wallboard-load-${level}`} style={{ width: `${pct}%` }} />
      </div>
      <span className="wallboard-load-text">
        {used} / {agent.capacity}
        <span className="visually-hidden"> chats of capacity</span>
      </span>
    </div>
  );
}

function AgentsTable({ agents }: { agents: WallboardAgent[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="wallboard-agents">
        <caption className="visually-hidden">Agents now</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">State</th>
            <th scope="col" className="cell-number">
              In state
            </th>
            <th scope="col" className="cell-number">
              Chats
            </th>
            <th scope="col" className="cell-number">
              Calls
            </th>
            <th scope="col">Load</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.id} data-testid={`wallboard-agent-${a.id}`}>
              <th scope="row" className="cell-strong">
                {a.name}
                {a.state !== 'offline' && !a.connected ? (
                  <span className="wallboard-note"> · console closed</span>
                ) : null}
              </th>
              <td>
                <StateBadge agent={a} />
              </td>
              <td className="cell-number">{formatDuration(a.secondsInState)}</td>
              <td className="cell-number">
                {formatCount(a.chats)}
                {a.offered > 0 ? <span className="wallboard-note"> +{a.offered} offered</span> : null}
              </td>
              <td className="cell-number">{formatCount(a.calls)}</td>
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
  const tz = browserTimeZone();
  const { data, error } = usePoll(() => getWallboard(tz), WALLBOARD_POLL_MS, tz);
  if (error !== undefined && !data) return <ReportError error={error} />;
  if (!data) return <LoadingState label="Loading the wallboard…" />;
  return (
    <>
      <p className="live-status wallboard-updated">
        <span className="live-dot" aria-hidden="true" />
        Updated {new Date(data.at).toLocaleTimeString()} · refreshes every 5 s
      </p>
      <section aria-labelledby="wallboard-skills">
        <h2 id="wallboard-skills" className="section-title">
          Skills
        </h2>
        {data.skills.length ? (
          <ul className="wallboard-grid" data-testid="wallboard-skills">
            {data.skills.map((s) => (
              <SkillCard key={s.skillId} skill={s} />
            ))}
          </ul>
        ) : (
          <EmptyState icon={<WallboardIcon />} title="No skills yet" testId="wallboard-no-skills">
            Add skills in Settings to see a queue per skill here.
          </EmptyState>
        )}
      </section>
      <section aria-labelledby="wallboard-agents-title">
        <h2 id="wallboard-agents-title" className="section-title">
          Agents
        </h2>
        {data.agents.length ? (
          <AgentsTable agents={data.agents} />
        ) : (
          <EmptyState icon={<WallboardIcon />} title="No agents yet" testId="wallboard-no-agents">
            Invite agents in Settings to see their state and load here.
          </EmptyState>
        )}
      </section>
    </>
  );
}

export function WallboardPage() {
  const { user } = useSession();
  return (
    <div className="wallboard" data-testid="wallboard">
      <PageHeader
        title="Wallboard"
        description="Queues, service level and agents, live. A card turns red when a chat waits past its target or fewer than 80 % were answered in time today."
      />
      {canManage(user.role) ? (
        <Board />
      ) : (
        <div className="alert alert-info" role="status" data-testid="wallboard-forbidden">
          The wallboard is for owners and admins.
        </div>
      )}
    </div>
  );
}
