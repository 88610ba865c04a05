/**
 * Create or edit a campaign (/campaigns/new, /campaigns/:id): one form in sections, checked in the
 * browser first and then by the server, whose faults are placed next to the row or field they name.
 * Loaded lazily: the list does not pay for the rule builder.
 */
import { type FormEvent, useCallback, useMemo, useRef, useState } from 'react';
import { createCampaign, deleteCampaign, getCampaign, updateCampaign } from '../../api/campaigns.ts';
import { ApiError } from '../../api/http.ts';
import { listSites } from '../../api/sites.ts';
import { listSkills } from '../../api/skills.ts';
import type { CampaignRecord, Site, Skill } from '../../api/types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { focusFirstProblem } from '../../components/focus-first-problem.ts';
import { FormError } from '../../components/form-error.tsx';
import { formatDateTime } from '../../components/format.ts';
import { CampaignsIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link, navigate } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { browserTimeZone } from '../settings/sites/time-zones.ts';
import { BasicsSection } from './basics-section.tsx';
import { NO_FAULTS, placeFaults, type ServerFaults } from './campaign-faults.ts';
import {
  type CampaignForm,
  campaignInput,
  emptyForm,
  type FormErrors,
  formErrors,
  formFromCampaign,
} from './campaign-form.ts';
import { setCampaignNotice } from './campaign-notice.ts';
import { ConditionBuilder } from './condition-builder.tsx';
import { groupProblems, type LeafProblem, treeProblems } from './condition-checks.ts';
import { toCondition } from './condition-model.ts';
import { describeRule } from './condition-text.ts';
import { ControlSection } from './control-section.tsx';
import { EngagementSection } from './engagement-section.tsx';
import { FormSection } from './form-section.tsx';
import { FrequencySection } from './frequency-section.tsx';
import { ScheduleSection } from './schedule-section.tsx';
import { VariantsSection } from './variants-section.tsx';

interface Loaded {
  campaign: CampaignRecord | null;
  skills: Skill[];
  sites: Site[];
}

export default function CampaignEditor({ id }: { id: string | null }) {
  const loader = useCallback(async (): Promise<Loaded> => {
    const [campaign, skills, sites] = await Promise.all([
      id ? getCampaign(id) : Promise.resolve(null),
      listSkills(),
      listSites().catch(() => [] as Site[]),
    ]);
    return { campaign, skills, sites };
  }, [id]);
  const t = useT();
  const loaded = useResource(loader);
  const title = id ? (loaded.data?.campaign?.name ?? t('Campaign')) : t('New campaign');
  const changed = loaded.data?.campaign?.updatedAt ?? loaded.data?.campaign?.createdAt;

  return (
    <>
      <PageHeader
        title={title}
        description={
          <>
            <Link to="/campaigns" className="back-link">
              {t('← All campaigns')}
            </Link>
            {changed && (
              <span className="muted editor-changed" data-testid="campaign-changed">
                {t('Last changed {when}', { when: formatDateTime(changed) })}
              </span>
            )}
          </>
        }
      />
      {loaded.loading && !loaded.data ? (
        <LoadingState label={t('Loading campaign…')} />
      ) : loaded.error instanceof ApiError && loaded.error.status === 404 ? (
        <EmptyState
          icon={<CampaignsIcon />}
          title={t('This campaign no longer exists')}
          testId="campaign-not-found"
          actions={
            <Link to="/campaigns" className="button">
              {t('Back to campaigns')}
            </Link>
          }
        >
          <p>{t('It may have been deleted by someone else on your team.')}</p>
        </EmptyState>
      ) : loaded.error ? (
        <LoadError error={loaded.error} onRetry={loaded.reload} />
      ) : loaded.data ? (
        <EditorForm key={id ?? 'new'} loaded={loaded.data} />
      ) : null}
    </>
  );
}

/** The editor's sections, in the order the form shows them, with their nav labels. */
function sections(t: (en: string) => string): [anchor: string, label: string][] {
  return [
    ['basics', t('Basics')],
    ['who', t('Who')],
    ['when', t('When')],
    ['frequency', t('How often')],
    ['engagement', t('Engagement')],
    ['control', t('Control group')],
    ['variants', t('Variants')],
  ];
}

function EditorForm({ loaded }: { loaded: Loaded }) {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const { campaign, skills, sites } = loaded;
  const [form, setForm] = useState<CampaignForm>(() => {
    const zone = sites[0]?.timeZone ?? browserTimeZone();
    const skill = skills[0]?.id ?? '';
    return campaign ? formFromCampaign(campaign, zone, skill) : emptyForm(zone, skill);
  });
  const [attempted, setAttempted] = useState(false);
  const [faults, setFaults] = useState<ServerFaults>(NO_FAULTS);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const clientErrors = useMemo(() => (attempted ? formErrors(form) : {}), [attempted, form]);
  const clientProblems = useMemo(
    () => (attempted ? treeProblems(form.targeting) : new Map<string, LeafProblem>()),
    [attempted, form.targeting],
  );
  const clientGroupProblems = useMemo(
    () => (attempted ? groupProblems(form.targeting) : new Map<string, string>()),
    [attempted, form.targeting],
  );
  const errors: FormErrors = { ...faults.fields, ...clientErrors };
  const problems = new Map([...faults.nodes, ...clientProblems]);
  const groupErrors = new Map([...faults.groups, ...clientGroupProblems]);
  const problemCount = Object.keys(errors).length + problems.size + groupErrors.size;

  function set(patch: Partial<CampaignForm>) {
    setForm((current) => ({ ...current, ...patch }));
    if (faults !== NO_FAULTS) setFaults(NO_FAULTS);
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setAttempted(true);
    setFaults(NO_FAULTS);
    if (
      Object.keys(formErrors(form)).length > 0 ||
      treeProblems(form.targeting).size > 0 ||
      groupProblems(form.targeting).size > 0
    ) {
      focusFirstProblem(formRef.current);
      return;
    }
    const { condition, paths } = toCondition(form.targeting);
    const input = campaignInput(form, condition);
    setBusy(true);
    try {
      const saved = campaign
        ? await updateCampaign(campaign.id, {
            ...input,
            schedule: input.schedule ?? null,
            minimalEffect: input.minimalEffect ?? null,
          })
        : await createCampaign(input);
      setCampaignNotice({
        id: saved.id,
        text: campaign
          ? t('Saved “{name}”.', { name: saved.name })
          : t('Created “{name}”.', { name: saved.name }),
      });
      navigate('/campaigns');
    } catch (caught) {
      setBusy(false);
      setFaults(placeFaults(caught, paths, form.targeting));
      focusFirstProblem(formRef.current);
    }
  }

  return (
    <form ref={formRef} className="editor" onSubmit={handleSubmit} noValidate data-testid="campaign-form">
      <nav className="editor-nav" aria-label={t('Campaign sections')}>
        <ol>
          {sections(t).map(([anchor, label]) => (
            <li key={anchor}>
              <a href={`#${anchor}`} className="editor-nav-link">
                {label}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      <fieldset className="editor-main" disabled={!manager || busy}>
        <legend className="visually-hidden">{t('Campaign settings')}</legend>
        {!manager && (
          <div className="alert alert-info" role="status">
            {t('Only owners and admins can change campaigns. You are viewing this one read-only.')}
          </div>
        )}
        <FormError message={faults.general} />
        <BasicsSection form={form} errors={errors} set={set} />
        <FormSection
          id="who"
          title={t('Who')}
          description={t(
            'The visitors this campaign is for, described by what they are doing right now. Time-based conditions fire on time, without waiting for a click.',
          )}
        >
          <ConditionBuilder
            root={form.targeting}
            onChange={(targeting) => set({ targeting })}
            problems={problems}
            groupErrors={groupErrors}
          />
          <p className="cond-summary" data-testid="rule-summary">
            <span className="cond-summary-label">{t('In words')}</span>
            {describeRule(form.targeting)}
          </p>
        </FormSection>
        <ScheduleSection form={form} errors={errors} set={set} />
        <FrequencySection form={form} errors={errors} set={set} />
        <EngagementSection form={form} errors={errors} set={set} skills={skills} />
        <ControlSection form={form} errors={errors} set={set} />
        <VariantsSection form={form} errors={errors} set={set} />

        {manager && (
          <div className="editor-footer">
            <p className="editor-footer-status" role="status">
              {problemCount > 0 ? (
                <span className="editor-footer-problems">
                  {t('{count, plural, one {# thing to fix} other {# things to fix}} before saving', {
                    count: problemCount,
                  })}
                </span>
              ) : campaign ? (
                <span className="muted">{t('Changes apply to visitors within seconds of saving.')}</span>
              ) : null}
            </p>
            {campaign && (
              <button
                type="button"
                className="button button-danger-quiet"
                onClick={() => setConfirmDelete(true)}
              >
                {t('Delete')}
              </button>
            )}
            <Link to="/campaigns" className="button">
              {t('Cancel')}
            </Link>
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? t('Saving…') : campaign ? t('Save changes') : t('Create campaign')}
            </button>
          </div>
        )}
      </fieldset>

      {confirmDelete && campaign && (
        <ConfirmDialog
          title={t('Delete {name}?', { name: campaign.name })}
          confirmLabel={t('Delete campaign')}
          onClose={() => setConfirmDelete(false)}
          onConfirm={async () => {
            await deleteCampaign(campaign.id);
            setCampaignNotice({ id: campaign.id, text: t('Deleted “{name}”.', { name: campaign.name }) });
            navigate('/campaigns');
          }}
        >
          <p>
            {t(
              'It stops at once and leaves the list. Exposures and conversions it already recorded stay in reports.',
            )}
          </p>
        </ConfirmDialog>
      )}
    </form>
  );
}
