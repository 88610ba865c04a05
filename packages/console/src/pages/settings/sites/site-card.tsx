/** One site: its key, origins and time zone, and the tag snippet ready to copy. */
import { WIDGET_LANGUAGE_NAMES } from '@beckon/protocol/widget-languages';
import type { Site } from '../../../api/types.ts';
import { CopyButton } from '../../../components/copy-button.tsx';
import { formatDate } from '../../../components/format.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { IdentitySection } from './identity-section.tsx';

interface SiteCardProps {
  site: Site;
  canEdit: boolean;
  highlighted: boolean;
  onEdit: () => void;
  onDelete: () => void;
}

export function SiteCard({ site, canEdit, highlighted, onEdit, onDelete }: SiteCardProps) {
  const t = useT();
  const headingId = `site-${site.id}-name`;
  return (
    <article
      className={highlighted ? 'card site-card card-highlight' : 'card site-card'}
      aria-labelledby={headingId}
      data-testid="site-card"
      data-site-id={site.id}
      data-site-key={site.siteKey}
      id={`site-${site.id}`}
    >
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id={headingId} data-testid="site-name">
            {site.name}
          </h3>
          <p className="card-subtitle">
            {t('Site key')}{' '}
            <code className="key-pill" data-testid="site-key">
              {site.siteKey}
            </code>
          </p>
        </div>
        {canEdit && (
          <div className="card-actions">
            <button
              type="button"
              className="button button-small"
              onClick={onEdit}
              aria-label={t('Edit {name}', { name: site.name })}
            >
              {t('Edit')}
            </button>
            <button
              type="button"
              className="button button-small button-danger-quiet"
              onClick={onDelete}
              aria-label={t('Delete {name}', { name: site.name })}
            >
              {t('Delete')}
            </button>
          </div>
        )}
      </header>

      <dl className="facts">
        <div className="fact">
          <dt>{t('Allowed origins')}</dt>
          <dd data-testid="site-origins">
            {site.allowedOrigins.length ? (
              <ul className="origin-list">
                {site.allowedOrigins.map((origin) => (
                  <li key={origin} className="mono">
                    {origin}
                  </li>
                ))}
              </ul>
            ) : (
              <span className="muted">{t('None yet — add the origins your pages are served from.')}</span>
            )}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('Time zone')}</dt>
          <dd data-testid="site-time-zone">{site.timeZone.replaceAll('_', ' ')}</dd>
        </div>
        <div className="fact">
          <dt>{t('Widget language')}</dt>
          <dd data-testid="site-widget-language">
            {site.widgetLanguage === 'auto' ? t('Automatic') : WIDGET_LANGUAGE_NAMES[site.widgetLanguage]}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('Visitor IP addresses')}</dt>
          <dd data-testid="site-ip">
            {site.anonymizeIp ? t('Anonymised (network only)') : t('Used in full')}
          </dd>
          <dt>{t('Calls')}</dt>
          <dd data-testid="site-record-calls-fact">{site.recordCalls ? t('Recorded') : t('Not recorded')}</dd>
        </div>
        <div className="fact">
          <dt>{t('Created')}</dt>
          <dd>{formatDate(site.createdAt)}</dd>
        </div>
      </dl>

      <section className="snippet" aria-label={t('Tag snippet for {name}', { name: site.name })}>
        <div className="snippet-header">
          <div>
            <h4 className="snippet-title">{t('Tag snippet')}</h4>
            <p className="snippet-hint">
              {t('Paste it into every page, just before the closing {tag} tag.', { tag: '</head>' })}
            </p>
          </div>
          <CopyButton text={site.snippet} label={t('Copy snippet')} testId="copy-snippet" />
        </div>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the code block scrolls sideways, so it must be reachable by keyboard. */}
        <pre className="code-block" tabIndex={0} data-testid="site-snippet">
          <code>{site.snippet}</code>
        </pre>
      </section>
      {canEdit && <IdentitySection siteId={site.id} siteName={site.name} />}
    </article>
  );
}
