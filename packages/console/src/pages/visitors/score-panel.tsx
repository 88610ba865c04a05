/** The visitor's purchase score, their rank among the site's visitors, and the three facts that moved it most. */
import type { ScoreFactor, VisitorJourney } from '../../api/types.ts';
import { formatNumber } from '../../components/format.ts';
import { useT } from '../../i18n/language-context.tsx';
import './score-panel.css';

function Arrow({ up }: { up: boolean }) {
  return (
    <svg className="score-arrow" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={up ? 'M8 3l4.5 5H9.6V13H6.4V8H3.5z' : 'M8 13l4.5-5H9.6V3H6.4v5H3.5z'} fill="currentColor" />
    </svg>
  );
}

function Factor({ factor }: { factor: ScoreFactor }) {
  const t = useT();
  const up = factor.effect === 'raised';
  return (
    <li
      className={up ? 'score-factor score-factor-up' : 'score-factor score-factor-down'}
      data-feature={factor.feature}
    >
      <Arrow up={up} />
      <span>
        {factor.text}
        <span className="visually-hidden"> {up ? t('(raised the score)') : t('(lowered the score)')}</span>
      </span>
    </li>
  );
}

export function ScorePanel({ visitor }: { visitor: VisitorJourney }) {
  const t = useT();
  const score = visitor.score;
  const percent = score === null ? null : Math.round(score * 100);
  const top = visitor.scoreTop;
  return (
    <section
      className="card panel score-panel"
      aria-labelledby="panel-purchase-score"
      data-testid="score-panel"
    >
      <header className="panel-header">
        <h2 className="panel-title" id="panel-purchase-score">
          {t('Purchase score')}
        </h2>
        {top !== null && score !== null && top <= 50 && (
          <span className="panel-meta" data-testid="score-rank">
            {t('Top {percent} % of recent visitors', { percent: Math.max(1, Math.round(top)) })}
          </span>
        )}
      </header>
      {percent === null ? (
        <p className="panel-empty">{t('Not scored yet: the score appears with the visitor’s first page.')}</p>
      ) : (
        <>
          <div className="score-figure">
            <span className="score-value" data-testid="score-value">
              {formatNumber(percent)} %
            </span>
            <span className="score-caption">{t('chance of buying in this visit')}</span>
          </div>
          <div className="score-track" aria-hidden="true">
            <span style={{ width: `${Math.max(2, percent)}%` }} />
          </div>
          {visitor.scoreFactors.length > 0 ? (
            <>
              <h3 className="score-why">{t('What moved it most')}</h3>
              <ul className="score-factors" data-testid="score-factors">
                {visitor.scoreFactors.map((f) => (
                  <Factor key={f.feature} factor={f} />
                ))}
              </ul>
            </>
          ) : (
            <p className="panel-empty score-why">{t('The reasons show while the visitor is on the site.')}</p>
          )}
        </>
      )}
    </section>
  );
}
