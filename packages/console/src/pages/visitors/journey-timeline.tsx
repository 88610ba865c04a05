/** The visit's pages in order, each with the time spent on it; the current one keeps counting. */
import { useState } from 'react';
import type { VisitorJourney } from '../../api/types.ts';
import { formatTime } from '../../components/format.ts';
import { useT } from '../../i18n/language-context.tsx';
import { isScreen, screenParams } from './app-badge.tsx';
import { formatClock, pageLabel, pathOf } from './visitor-format.ts';

/** Long visits show their latest pages; the earlier ones are one click away. */
const RECENT = 12;

export function JourneyTimeline({
  visitor,
  extraSeconds,
}: {
  visitor: VisitorJourney;
  extraSeconds: number;
}) {
  const t = useT();
  const [showAll, setShowAll] = useState(false);
  const all = visitor.pages;
  const hidden = showAll ? 0 : Math.max(0, all.length - RECENT);
  const pages = all.slice(hidden);
  return (
    <section className="card panel" aria-labelledby="journey-title" data-testid="journey">
      <header className="panel-header">
        <h2 className="panel-title" id="journey-title">
          {t('Journey this visit')}
        </h2>
        <span className="panel-meta">
          {visitor.app
            ? t('{count, plural, one {# screen} other {# screens}}', { count: all.length })
            : t('{count, plural, one {# page} other {# pages}}', { count: all.length })}
        </span>
      </header>
      {hidden > 0 && (
        <button
          type="button"
          className="button button-small button-ghost timeline-more"
          onClick={() => setShowAll(true)}
        >
          {t('{count, plural, one {Show # earlier page} other {Show # earlier pages}}', { count: hidden })}
        </button>
      )}
      {pages.length === 0 ? (
        <p className="panel-empty">{t('No page seen yet this visit.')}</p>
      ) : (
        <ol className="timeline">
          {pages.map((page, index) => {
            const current = index === pages.length - 1 && visitor.connected;
            const position = hidden + index;
            const seconds = current ? page.seconds + extraSeconds : page.seconds;
            return (
              <li
                key={`${position}|${page.at}`}
                className={current ? 'timeline-item timeline-current' : 'timeline-item'}
                data-testid="journey-page"
              >
                <span className="timeline-dot" aria-hidden="true" />
                <div className="timeline-body">
                  <div className="timeline-line">
                    <span className="timeline-title">{pageLabel(page)}</span>
                    <span className="timeline-duration">
                      {current && <span className="now-pill">{t('Now')}</span>}
                      {!current && seconds < 1 ? '< 1 s' : formatClock(seconds)}
                    </span>
                  </div>
                  <div className="timeline-meta">
                    <time dateTime={page.at}>{formatTime(page.at)}</time>
                    {isScreen(page.url) ? (
                      <>
                        <span className="chip chip-screen" data-testid="journey-screen">
                          {t('Screen')}
                        </span>
                        {screenParams(page.url) && (
                          <span className="mono timeline-path" title={page.url}>
                            {screenParams(page.url)}
                          </span>
                        )}
                      </>
                    ) : (
                      page.title?.trim() && (
                        <span className="mono timeline-path" title={page.url}>
                          {pathOf(page.url)}
                        </span>
                      )
                    )}
                    {page.sections.map((section) => (
                      <span key={section} className="chip">
                        {section}
                      </span>
                    ))}
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
