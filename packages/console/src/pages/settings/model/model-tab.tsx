/** Settings › Model: which purchase-propensity model scores visitors, how good it is, and training it. */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { getModel, startTraining } from '../../../api/model.ts';
import type { ModelStatus } from '../../../api/types.ts';
import { formatDateTime, formatNumber, formatRelative } from '../../../components/format.ts';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { canManage, useSession } from '../../../session/session-context.tsx';
import { FeatureWeights } from './feature-weights.tsx';
import { PageKindsCard } from './page-kinds-card.tsx';
import { TrainingHistory } from './training-history.tsx';
import './model.css';

const count = (n: number) => formatNumber(n);
const fixed = (n: number, digits = 3) =>
  formatNumber(n, { minimumFractionDigits: digits, maximumFractionDigits: digits });
const percent = (share: number) => `${formatNumber(Math.round(share * 100))} %`;

export function ModelTab() {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const model = useResource(getModel);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  /** Campaigns whose uplift models the last "Train now" retrains too. */
  const [upliftCampaigns, setUpliftCampaigns] = useState<number | null>(null);
  const running = model.data?.training.running ?? false;

  // While a run is in progress, look again every two seconds for its result.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(model.reload, 2000);
    return () => clearInterval(timer);
  }, [running, model.reload]);

  async function train() {
    setStarting(true);
    setFailure(null);
    try {
      const started = await startTraining();
      setUpliftCampaigns(started.upliftCampaignIds.length);
      model.reload();
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setStarting(false);
    }
  }

  return (
    <section aria-labelledby="model-heading" data-testid="model-tab">
      <SectionHeader
        title={t('Purchase model')}
        id="model-heading"
        description={t(
          'Scores each visitor’s chance of buying in this visit, live, for targeting, queue order and the agent’s view. Beckon starts with a model trained on {sessions} real shop sessions and switches to one trained on your own once you have enough.',
          { sessions: count(12330) },
        )}
      />
      {model.loading && !model.data ? (
        <LoadingState label={t('Loading the model…')} />
      ) : model.error && !model.data ? (
        <LoadError error={model.error} onRetry={model.reload} />
      ) : model.data ? (
        <div className="model-layout">
          <ActiveModelCard status={model.data} />
          <div className="model-column">
            <TrainingCard
              status={model.data}
              manager={manager}
              starting={starting || running}
              failure={failure}
              onTrain={train}
              upliftCampaigns={upliftCampaigns}
            />
            <TrainingHistory runs={model.data.training.history} />
          </div>
          <div className="model-column">
            <FeatureWeights features={model.data.active.features} />
            <PageKindsCard manager={manager} />
          </div>
        </div>
      ) : null}
    </section>
  );
}

function ActiveModelCard({ status }: { status: ModelStatus }) {
  const t = useT();
  const m = status.active;
  const trained = m.source === 'trained';
  return (
    <section
      className="card model-card model-active"
      aria-labelledby="model-active-title"
      data-testid="model-active"
    >
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="model-active-title">
            {t('Active model')}
          </h3>
          <p className="card-subtitle">
            {trained
              ? m.activatedAt
                ? t(
                    'Trained on your {sessions, plural, one {# session} other {# sessions}} ({purchases, plural, one {# purchase} other {# purchases}}), in use since {since}.',
                    { sessions: m.sessions, purchases: m.purchases, since: formatDateTime(m.activatedAt) },
                  )
                : t(
                    'Trained on your {sessions, plural, one {# session} other {# sessions}} ({purchases, plural, one {# purchase} other {# purchases}}).',
                    { sessions: m.sessions, purchases: m.purchases },
                  )
              : t(
                  'Pre-trained on {sessions, plural, one {# session} other {# sessions}} of the UCI online-shoppers data ({purchases, plural, one {# purchase} other {# purchases}}).',
                  { sessions: m.sessions, purchases: m.purchases },
                )}
          </p>
        </div>
        <span className={`badge ${trained ? 'badge-active' : 'badge-control'}`} data-testid="model-source">
          {trained ? t('Trained on your sessions') : t('Pre-trained default')}
        </span>
      </header>
      <ul className="kpi-grid model-kpis" aria-label={t('How well the model predicts purchases')}>
        <li className="kpi-card">
          <span className="kpi-label">AUROC</span>
          <span className="kpi-value" data-testid="model-auroc">
            {fixed(m.auroc)}
          </span>
          <span className="kpi-note">
            {t('Ranks a buyer above a non-buyer {share} of the time', { share: percent(m.auroc) })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">AUPR</span>
          <span className="kpi-value">{fixed(m.aupr)}</span>
          <span className="kpi-note">
            {t('Precision across every threshold (chance would be the purchase rate)')}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('Brier score')}</span>
          <span className="kpi-value">{fixed(m.brier)}</span>
          <span className="kpi-note">
            {t('Calibration: lower is better, {coin} is a coin flip', { coin: fixed(0.25, 2) })}
          </span>
        </li>
        <li className="kpi-card">
          <span className="kpi-label">{t('Likely buyer from')}</span>
          <span className="kpi-value">{percent(m.threshold)}</span>
          <span className="kpi-note">{t('The score that best separates buyers (best F1)')}</span>
        </li>
      </ul>
      <p className="model-footnote">
        {t('Measured on {count, plural, one {# session} other {# sessions}} the model never saw: {method}.', {
          count: m.evaluatedSessions,
          method: m.evaluation,
        })}
      </p>
    </section>
  );
}

function Meter({
  label,
  value,
  goal,
  testId,
}: {
  label: string;
  value: number;
  goal: number;
  testId: string;
}) {
  const t = useT();
  const share = goal > 0 ? Math.min(1, value / goal) : 1;
  return (
    <div className="model-meter" data-testid={testId}>
      <div className="model-meter-text">
        <span>{label}</span>
        <span className="model-meter-count">
          {count(value)} <span className="muted">{t('of {goal}', { goal: count(goal) })}</span>
        </span>
      </div>
      <div
        className={`model-meter-track${share >= 1 ? ' model-meter-done' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={goal}
        aria-valuenow={Math.min(value, goal)}
      >
        <span style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}

function TrainingCard({
  status,
  manager,
  starting,
  failure,
  onTrain,
  upliftCampaigns,
}: {
  status: ModelStatus;
  manager: boolean;
  starting: boolean;
  failure: string | null;
  onTrain: () => void;
  upliftCampaigns: number | null;
}) {
  const t = useT();
  const { data, training } = status;
  return (
    <section className="card model-card" aria-labelledby="model-training-title" data-testid="model-training">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="model-training-title">
            {t('Your sessions')}
          </h3>
          <p className="card-subtitle">
            {t(
              'Every finished visit is kept with what the visitor did and whether they bought, to train your own model.',
            )}
          </p>
        </div>
        {manager && (
          <button
            type="button"
            className="button button-primary"
            onClick={onTrain}
            disabled={!data.enough || starting}
            aria-describedby="model-train-hint"
            data-testid="model-train"
          >
            {starting ? (
              <>
                <span className="spinner spinner-small" aria-hidden="true" /> {t('Training…')}
              </>
            ) : (
              t('Train now')
            )}
          </button>
        )}
      </header>
      <div className="model-meters">
        <Meter
          label={t('Finished sessions')}
          value={data.sessions}
          goal={data.minSessions}
          testId="model-sessions"
        />
        <Meter
          label={t('Purchases')}
          value={data.purchases}
          goal={data.minPurchases}
          testId="model-purchases"
        />
      </div>
      <p className="model-footnote" id="model-train-hint" role="status">
        {training.running
          ? t(
              'Training since {since}: the new model replaces the current one only if it predicts the most recent sessions at least as well.',
              { since: formatRelative(training.startedAt ?? new Date().toISOString()) },
            )
          : !data.enough
            ? t(
                'Your own model can be trained from {sessions, plural, one {# finished session} other {# finished sessions}} with {purchases, plural, one {# purchase} other {# purchases}}; until then the pre-trained model scores your visitors.',
                { sessions: data.minSessions, purchases: data.minPurchases },
              )
            : training.everyHours > 0 && training.nextAt
              ? t(
                  'Retrained automatically every {hours, plural, one {hour} other {# hours}} (next around {next}); a new model replaces the current one only if it is not worse.',
                  { hours: training.everyHours, next: formatDateTime(training.nextAt) },
                )
              : t(
                  'A new model replaces the current one only if it predicts the most recent sessions at least as well.',
                )}
      </p>
      {manager && (
        <p className="model-footnote" data-testid="model-train-uplift">
          {training.running && upliftCampaigns
            ? t(
                'The uplift models of {campaigns, plural, one {# campaign} other {# campaigns}} that target by predicted uplift are retrained with it.',
                { campaigns: upliftCampaigns },
              )
            : t(
                'Train now also retrains the uplift models of the campaigns that target by predicted uplift.',
              )}
        </p>
      )}
      {failure && (
        <p className="alert alert-error model-alert" role="alert">
          {failure}
        </p>
      )}
    </section>
  );
}
