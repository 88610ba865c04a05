/** The account's recent training runs and what became of each model. */
import type { TrainingRun } from '../../../api/types.ts';
import { formatDateTime, formatNumber } from '../../../components/format.ts';
import { useT } from '../../../i18n/language-context.tsx';

/** A run's outcome in the console's language, and its badge's tone. */
function outcome(t: (en: string) => string, value: TrainingRun['outcome']): [string, string] {
  switch (value) {
    case 'activated':
      return [t('In use'), 'badge-active'];
    case 'kept_current':
      return [t('Kept the previous model'), 'badge-paused'];
    case 'not_enough_data':
      return [t('Not enough data'), ''];
    case 'failed':
      return [t('Failed'), 'badge-danger'];
  }
}

const auroc = (v: number | null) =>
  v === null ? '—' : formatNumber(v, { minimumFractionDigits: 3, maximumFractionDigits: 3 });

export function TrainingHistory({ runs }: { runs: TrainingRun[] }) {
  const t = useT();
  return (
    <section className="card model-card" aria-labelledby="model-history-title" data-testid="model-history">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="model-history-title">
            {t('Training runs')}
          </h3>
          <p className="card-subtitle">
            {t('Each new model is judged on the latest {share} of sessions against the model in use.', {
              share: `${formatNumber(20)} %`,
            })}
          </p>
        </div>
      </header>
      {runs.length === 0 ? (
        <p className="model-footnote">{t('No training yet.')}</p>
      ) : (
        <div className="table-wrap model-history">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">{t('When')}</th>
                <th scope="col">{t('Outcome')}</th>
                <th scope="col" className="cell-number">
                  {t('Sessions')}
                </th>
                <th scope="col" className="cell-number">
                  {t('New AUROC')}
                </th>
                <th scope="col" className="cell-number">
                  {t('Previous')}
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => {
                const [text, tone] = outcome(t, r.outcome);
                return (
                  <tr key={`${r.at}-${r.id ?? r.outcome}`} title={r.message}>
                    <td data-label={t('When')}>
                      {formatDateTime(r.at)}
                      <span className="muted">
                        {' '}
                        · {r.trigger === 'schedule' ? t('scheduled') : t('manual')}
                      </span>
                    </td>
                    <td data-label={t('Outcome')}>
                      <span className={`badge ${tone}`}>{text}</span>
                    </td>
                    <td className="cell-number" data-label={t('Sessions')}>
                      {formatNumber(r.sessions)}
                    </td>
                    <td className="cell-number" data-label={t('New AUROC')}>
                      {auroc(r.auroc)}
                    </td>
                    <td className="cell-number" data-label={t('Previous')}>
                      {auroc(r.baselineAuroc)}
                    </td>
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
