/** One site: its key, origins and time zone, and the tag snippet ready to copy. */
import { WIDGET_LANGUAGE_NAMES } from '@beckon/protocol/widget-languages';
import type { Site } from '../../../api/types.ts';
import { CopyButton } from '../../../components/copy-button.tsx';
import { formatDate } from '../../../components/format.ts';
import { IdentitySection } from './identity-section.tsx';

interface SiteCardProps {
  site: Site;
  canEdit: boolean;
  highlighted: boolean;
  onEdit: () => void;
  onDelete: () => void;
}

export function SiteCard({ site, canEdit, highlighted, onEdit, onDelete }: SiteCardProps) {
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
            Site key{' '}
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
              aria-label={`Edit ${site.name}`}
            >
              Edit
            </button>
            <button
              type="button"
              className="button button-small button-danger-quiet"
              onClick={onDelete}
              aria-label={`Delete ${site.name}`}
            >
              Delete
            </button>
          </div>
        )}
      </header>

      <dl className="facts">
        <div className="fact">
          <dt>Allowed origins</dt>
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
              <span className="muted">None yet — add the origins your pages are served from.</span>
            )}
          </dd>
        </div>
        <div className="fact">
          <dt>Time zone</dt>
          <dd data-testid="site-time-zone">{site.timeZone.replaceAll('_', ' ')}</dd>
        </div>
        <div className="fact">
          <dt>Widget language</dt>
          <dd data-testid="site-widget-language">
            {site.widgetLanguage === 'auto' ? 'Automatic' : WIDGET_LANGUAGE_NAMES[site.widgetLanguage]}
          </dd>
        </div>
        <div className="fact">
          <dt>Visitor IP addresses</dt>
          <dd data-testid="site-ip">{site.anonymizeIp ? 'Anonymised (network only)' : 'Used in full'}</dd>
          <dt>Calls</dt>
          <dd data-testid="site-record-calls-fact">{site.recordCalls ? 'Recorded' : 'Not recorded'}</dd>
        </div>
        <div className="fact">
          <dt>Created</dt>
          <dd>{formatDate(site.createdAt)}</dd>
        </div>
      </dl>

      <section className="snippet" aria-label={`Tag snippet for ${site.name}`}>
        <div className="snippet-header">
          <div>
            <h4 className="snippet-title">Tag snippet</h4>
            <p className="snippet-hint">
              Paste it into every page, just before the closing &lt;/head&gt; tag.
            </p>
          </div>
          <CopyButton text={site.snippet} label="Copy snippet" testId="copy-snippet" />
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
