/**
 * The campaign list: status, goal, engagement, priority, control share, schedule and the last 30
 * days' result against the control group; pause, resume, delete.
 */
import { useEffect, useState } from 'react';
import { deleteCampaign, listCampaigns, setCampaignStatus } from '../../api/campaigns.ts';
import { errorMessage } from '../../api/http.ts';
import { type CampaignLift, getLiftList } from '../../api/reports.ts';
import { listSkills } from '../../api/skills.ts';
import type { CampaignRecord, CampaignStatus, Skill } from '../../api/types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { FormError } from '../../components/form-error.tsx';
import { CampaignsIcon, PlusIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useResource } from '../../components/use-resource.ts';
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link } from '../../router/router.tsx';
import { canManage, canReadReports, useSession } from '../../session/session-context.tsx';
import { verdictOf } from '../analytics/lift-verdict.ts';
import { formatCount, formatPercent, lastDaysFilters } from '../analytics/report-format.ts';
import { takeCampaignNotice } from './campaign-notice.ts';
import { engagementText, goalText, percentText, STATUS_LABELS, scheduleText } from './campaign-text.ts';

interface Loaded {
  campaigns: CampaignRecord[];
  skills: Skill[];
}

const loadAll = async (): Promise<Loaded> => {
  const [campaigns, skills] = await Promise.all([listCampaigns(), listSkills().catch(() => [] as Skill[])]);
  return { campaigns, skills };
};

/**
 * Each campaign's lift over the last 30 days (the Campaign lift report's), by campaign id; null
 * when the report cannot be had: the list works without.
 */
const loadResults = (): Promise<Map<string, CampaignLift> | null> =>
  getLiftList(lastDaysFilters(30)).then(
    (list) => new Map(list.campaigns.map((c) => [c.campaignId, c])),
    () => null,
  );

/** Shown how often, and how it does against its control group (a link to the full comparison). */
function CampaignResult({ lift }: { lift: CampaignLift | undefined }) {
  const t = useT();
  if (!lift || lift.exposed.visitors + lift.control.visitors === 0)
    return (
      <span className="campaign-result muted" data-testid="campaign-result">
        {t('Not shown in the last 30 days')}
      </span>
    );
  const v = verdictOf(lift);
  const relative = lift.relativeLift.estimate;
  return (
    <Link
      to="/analytics/lift"
      className="campaign-result"
      title={t('Last 30 days against the control group: open Campaign lift')}
      data-testid="campaign-result"
    >
      <span className="campaign-result-figures">
        {relative !== null && lift.control.visitors > 0
          ? t('{shown} shown in 30 days, {lift} vs control', {
              shown: formatCount(lift.exposed.visitors),
              lift: formatPercent(relative, true),
            })
          : t('{shown} shown in 30 days', { shown: formatCount(lift.exposed.visitors) })}
      </span>
      <span className={`badge ${v.tone}`}>{v.text}</span>
    </Link>
  );
}

/** For a role that reads no reports: the list without results, and no refused request. */
const noResults = () => Promise.resolve(null);

/** The status the row's button moves a campaign to, its label, and what a failure says. */
function nextStatus(status: CampaignStatus): {
  status: CampaignStatus;
  label: string;
  failed: (name: string, error: string) => string;
} {
  switch (status) {
    case 'active':
      return {
        status: 'paused',
        label: t('Pause'),
        failed: (name, error) => t('Could not pause “{name}”: {error}', { name, error }),
      };
    case 'paused':
      return {
        status: 'active',
        label: t('Resume'),
        failed: (name, error) => t('Could not resume “{name}”: {error}', { name, error }),
      };
    case 'draft':
      return {
        status: 'active',
        label: t('Activate'),
        failed: (name, error) => t('Could not activate “{name}”: {error}', { name, error }),
      };
  }
}

export function CampaignList() {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const loaded = useResource(loadAll);
  const results = useResource(canReadReports(user.role) ? loadResults : noResults);
  const [notice] = useState(takeCampaignNotice);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<CampaignRecord | null>(null);
  const [highlight, setHighlight] = useState<string | null>(notice?.id ?? null);

  useEffect(() => {
    if (!highlight) return;
    const timer = window.setTimeout(() => setHighlight(null), 2400);
    return () => window.clearTimeout(timer);
  }, [highlight]);

  async function toggle(campaign: CampaignRecord) {
    const next = nextStatus(campaign.status);
    setBusyId(campaign.id);
    setActionError(null);
    try {
      const saved = await setCampaignStatus(campaign.id, next.status);
      loaded.update((data) => ({
        ...data,
        campaigns: data.campaigns.map((item) => (item.id === saved.id ? { ...item, ...saved } : item)),
      }));
    } catch (caught) {
      setActionError(next.failed(campaign.name, errorMessage(caught)));
    } finally {
      setBusyId(null);
    }
  }

  const newButton = manager && (
    <Link to="/campaigns/new" className="button button-primary">
      <PlusIcon />
      {t('New campaign')}
    </Link>
  );
  const campaigns = loaded.data?.campaigns;

  return (
    <>
      <PageHeader
        title={t('Campaigns')}
        description={t(
          'Decide who to engage, when, and with what: a chat invitation, a chat button or an offer. Each campaign holds back a control group so its lift is measured.',
        )}
        actions={campaigns && campaigns.length > 0 ? newButton : null}
      />
      {notice && (
        <div className="alert alert-success" role="status" data-testid="campaign-notice">
          {notice.text}
        </div>
      )}
      <FormError message={actionError} />
      {loaded.loading && !loaded.data ? (
        <LoadingState label={t('Loading campaigns…')} />
      ) : loaded.error ? (
        <LoadError error={loaded.error} onRetry={loaded.reload} />
      ) : campaigns && campaigns.length === 0 ? (
        <EmptyState
          icon={<CampaignsIcon />}
          title={t('No campaigns yet')}
          testId="campaigns-empty"
          actions={newButton}
        >
          <p>
            {t(
              'A campaign has a goal (such as a purchase), a rule over what a visitor is doing right now — pages seen, time on a page, cart value, where they came from — and an engagement to show them: a chat invitation, a chat button or an offer.',
            )}
          </p>
          <p className="muted">
            {manager
              ? t('Start with one: for example, invite visitors who linger on checkout with a full cart.')
              : t('Owners and admins create campaigns; they will be listed here.')}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table campaign-table" data-testid="campaign-table">
            <thead>
              <tr>
                <th scope="col">{t('Campaign and goal')}</th>
                <th scope="col">{t('Status')}</th>
                <th scope="col">{t('Engagement')}</th>
                <th scope="col" className="cell-number">
                  {t('Priority')}
                </th>
                <th scope="col" className="cell-number">
                  {t('Control')}
                </th>
                <th scope="col">{t('Schedule')}</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">{t('Actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {campaigns?.map((campaign) => (
                <tr
                  key={campaign.id}
                  data-testid="campaign-row"
                  data-campaign-id={campaign.id}
                  className={campaign.id === highlight ? 'row-highlight' : undefined}
                >
                  <th scope="row" className="cell-strong">
                    <span className="campaign-cell">
                      <Link to={`/campaigns/${encodeURIComponent(campaign.id)}`} className="row-link">
                        {campaign.name}
                      </Link>
                      <span className="campaign-goal" data-testid="campaign-goal">
                        {t('Goal: {goal}', { goal: goalText(campaign.goal) })}
                      </span>
                      {results.data && <CampaignResult lift={results.data.get(campaign.id)} />}
                    </span>
                  </th>
                  <td data-label={t('Status')}>
                    <span className={`badge badge-${campaign.status}`} data-testid="campaign-status">
                      {STATUS_LABELS[campaign.status]}
                    </span>
                  </td>
                  <td data-label={t('Engagement')}>
                    {engagementText(campaign.engagement, loaded.data?.skills)}
                  </td>
                  <td data-label={t('Priority')} className="cell-number">
                    {campaign.priority}
                  </td>
                  <td data-label={t('Control')} className="cell-number">
                    {percentText(campaign.controlShare)}
                  </td>
                  <td data-label={t('Schedule')} className="cell-schedule">
                    {scheduleText(campaign.schedule)}
                  </td>
                  {manager && (
                    <td className="cell-actions">
                      <button
                        type="button"
                        className="button button-small"
                        disabled={busyId === campaign.id}
                        onClick={() => toggle(campaign)}
                        aria-label={`${nextStatus(campaign.status).label} ${campaign.name}`}
                      >
                        {nextStatus(campaign.status).label}
                      </button>
                      <button
                        type="button"
                        className="button button-small button-danger-quiet"
                        onClick={() => setDeleting(campaign)}
                        aria-label={t('Delete {name}', { name: campaign.name })}
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

      {deleting && (
        <ConfirmDialog
          title={t('Delete {name}?', { name: deleting.name })}
          confirmLabel={t('Delete campaign')}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteCampaign(deleting.id);
            const id = deleting.id;
            loaded.update((data) => ({
              ...data,
              campaigns: data.campaigns.filter((item) => item.id !== id),
            }));
          }}
        >
          <p>
            {t(
              'It stops at once and leaves this list. Exposures and conversions it already recorded stay in reports.',
            )}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
