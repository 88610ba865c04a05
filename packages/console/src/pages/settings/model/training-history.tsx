/** The account's recent training runs and what became of each model. */
import type { TrainingRun } from '../../../api/types.ts';
import { formatDateTime } from '../../../components/format.ts';

const OUTCOMES: Record<TrainingRun['outcome'], [string, string]> = {
  activated: ['In use', 'badge-active'],
  kept_current: ['Kept the previous model', 'badge-paused'],
  not_enough_data: ['Not enough data', ''],
  failed: ['Failed', 'badge-danger'],
};

const auroc = (v: number | null) => (v === null ? '—' : v.toFixed(3));

export function TrainingHistory({ runs }: { runs: TrainingRun[] }) {
  return (
    <section className="card model-card" aria-labelledby="model-history-title" data-testid="model-history">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="model-history-title">
            Training runs
          </h3>
          <p className="card-subtitle">
            Each new model is judged on the latest 20 % of sessions against the model in use.
          </p>
        </div>
      </header>
      {runs.length === 0 ? (
        <p className="model-footnote">No training yet.</p>
      ) : (
        <div className="table-wrap model-history">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Outcome</th>
                <th scope="col" className="cell-number">
                  Sessions
                </th>
                <th scope="col" className="cell-number">
                  New AUROC
                </th>
                <th scope="col" className="cell-number">
                  Previous
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => {
                const [text, tone] = OUTCOMES[r.outcome];
                return (
                  <tr key={`${r.at}-${r.id ?? r.outcome}`} title={r.message}>
                    <td data-label="When">
                      {formatDateTime(r.at)}
                      <span className="muted"> · {r.trigger === 'schedule' ? 'scheduled' : 'manual'}</span>
                    </td>
                    <td data-label="Outcome">
                      <span className={`badge ${tone}`}>{text}</span>
                    </td>
                    <td className="cell-number" data-label="Sessions">
                      {r.sessions.toLocaleString()}
                    </td>
                    <td className="cell-number" data-label="New AUROC">
                      {auroc(r.auroc)}
                    </td>
                    <td className="cell-number" data-label="Previous">
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
