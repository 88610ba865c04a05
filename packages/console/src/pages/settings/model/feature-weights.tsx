/** What the active model looks at: each feature's share of the average score movement, as bars. */
import type { FeatureImportance } from '../../../api/types.ts';
import { formatNumber } from '../../../components/format.ts';
import { useT } from '../../../i18n/language-context.tsx';

export function FeatureWeights({ features }: { features: FeatureImportance[] }) {
  const t = useT();
  const shown = features.filter((f) => f.importance > 0).slice(0, 12);
  const top = shown[0]?.importance ?? 1;
  return (
    <section className="card model-card" aria-labelledby="model-weights-title" data-testid="model-weights">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="model-weights-title">
            {t('What the score looks at')}
          </h3>
          <p className="card-subtitle">{t('How much each signal moves visitors’ scores, on average.')}</p>
        </div>
      </header>
      {shown.length === 0 ? (
        <p className="model-footnote">{t('This model has no measured feature weights.')}</p>
      ) : (
        <ul className="model-weights">
          {shown.map((f) => (
            <li key={f.feature} className="model-weight" data-feature={f.feature}>
              <span className="model-weight-label">{f.label}</span>
              <span className="model-weight-bar" aria-hidden="true">
                <span style={{ width: `${(f.importance / top) * 100}%` }} />
              </span>
              <span className="model-weight-value">{formatNumber(Math.round(f.importance * 100))} %</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
