/** The facts beside a visitor's journey: this visit, cart, source, attributes, exposures and past visits. */
import type { ReactNode } from 'react';
import type { JourneyExposure, VisitorJourney } from '../../api/types.ts';
import { formatDateTime, formatRelative } from '../../components/format.ts';
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { ENGAGEMENT_LABELS } from '../campaigns/campaign-text.ts';
import {
  channelLabel,
  exposureName,
  formatClock,
  formatMoney,
  outcomeLabel,
  pathOf,
} from './visitor-format.ts';

export function Panel({
  title,
  meta,
  children,
  testId,
}: {
  title: string;
  meta?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  const id = `panel-${title.toLowerCase().replaceAll(' ', '-')}`;
  return (
    <section className="card panel" aria-labelledby={id} data-testid={testId}>
      <header className="panel-header">
        <h2 className="panel-title" id={id}>
          {title}
        </h2>
        {meta && <span className="panel-meta">{meta}</span>}
      </header>
      {children}
    </section>
  );
}

export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="panel-facts">
      {rows.map(([label, value]) => (
        <div key={label} className="panel-fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function VisitPanel({ visitor, extraSeconds }: { visitor: VisitorJourney; extraSeconds: number }) {
  const t = useT();
  const rows: [string, ReactNode][] = [
    [
      t('Time on page'),
      <span key="time" data-testid="visitor-time-on-page">
        {formatClock(visitor.timeOnPageSeconds + extraSeconds)}
      </span>,
    ],
    [t('Time on site'), formatClock(visitor.timeOnSiteSeconds + extraSeconds)],
    [t('Pages this visit'), visitor.pageViews],
  ];
  const sections = Object.entries(visitor.sectionViews);
  if (sections.length > 0) {
    rows.push([
      t('By section'),
      <span key="sections" className="chips">
        {sections.map(([name, count]) => (
          <span key={name} className="chip">
            {name} · {count}
          </span>
        ))}
      </span>,
    ]);
  }
  rows.push([t('First seen'), formatDateTime(visitor.firstSeenAt)]);
  return (
    <Panel title={t('This visit')} testId="visit-panel">
      <Facts rows={rows} />
    </Panel>
  );
}

export function CartPanel({ visitor }: { visitor: VisitorJourney }) {
  const t = useT();
  const cart = visitor.cart;
  return (
    <Panel
      title={t('Cart')}
      meta={cart && cart.itemCount > 0 ? formatMoney(cart.total, cart.currency) : undefined}
      testId="cart-panel"
    >
      {!cart || visitor.cartItems.length === 0 ? (
        <p className="panel-empty">{t('Nothing in the cart.')}</p>
      ) : (
        <table className="mini-table">
          <thead>
            <tr>
              <th scope="col">{t('Item')}</th>
              <th scope="col" className="cell-number">
                {t('Qty')}
              </th>
              <th scope="col" className="cell-number">
                {t('Price')}
              </th>
            </tr>
          </thead>
          <tbody>
            {visitor.cartItems.map((item, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: cart lines have no id of their own, and the list is replaced whole.
              <tr key={index}>
                <td>
                  {item.name ?? item.sku}
                  {item.name && <span className="muted mono mini-sku">{item.sku}</span>}
                </td>
                <td className="cell-number">{item.quantity}</td>
                <td className="cell-number">{formatMoney(item.price, cart.currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('Total')}</th>
              <td className="cell-number">{cart.itemCount}</td>
              <td className="cell-number cell-strong">{formatMoney(cart.total, cart.currency)}</td>
            </tr>
          </tfoot>
        </table>
      )}
    </Panel>
  );
}

export function SourcePanel({ visitor }: { visitor: VisitorJourney }) {
  const t = useT();
  const session = visitor.sessions.find((item) => item.id === visitor.sessionId);
  const s = visitor.source;
  const rows: [string, ReactNode][] = [[t('Channel'), channelLabel(s.channel)]];
  if (s.source) rows.push([t('Source'), s.source]);
  if (s.medium) rows.push([t('Medium'), s.medium]);
  if (s.campaign) rows.push([t('Campaign'), s.campaign]);
  if (session?.referrer)
    rows.push([
      t('Referrer'),
      <span key="referrer" className="mono wrap">
        {session.referrer}
      </span>,
    ]);
  if (session?.landingUrl)
    rows.push([
      t('Landing page'),
      <span key="landing" className="mono wrap">
        {pathOf(session.landingUrl)}
      </span>,
    ]);
  return (
    <Panel title={t('Source')} testId="source-panel">
      <Facts rows={rows} />
    </Panel>
  );
}

function attributeTitle(type: string): string {
  switch (type) {
    case 'customer':
      return t('Customer');
    case 'marketing':
      return t('Marketing');
    case 'purchase':
      return t('Purchase');
    case 'product_view':
      return t('Product viewed');
    case 'lead':
      return t('Lead');
    case 'service':
      return t('Service');
    case 'error':
      return t('Error');
    case 'search':
      return t('Search');
    case 'personal':
      return t('Personal');
    default:
      return type;
  }
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value))
    return t('{count, plural, one {# item} other {# items}}', { count: value.length });
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function AttributesPanel({ visitor }: { visitor: VisitorJourney }) {
  const t = useT();
  // The cart has its own panel.
  const attributes = Object.entries(visitor.attributes).filter(([type]) => type !== 'cart');
  const traits = Object.entries(visitor.traits);
  const events = visitor.events;
  const empty = attributes.length === 0 && traits.length === 0 && events.length === 0;
  return (
    <Panel title={t('Attributes')} testId="attributes-panel">
      {empty ? (
        <p className="panel-empty">
          {t('No engagement attributes yet. Sites send them with')}{' '}
          <code>beckon.push(['attr', type, value])</code>.
        </p>
      ) : (
        <div className="attribute-groups">
          {attributes.map(([type, entry]) => (
            <div key={type} className="attribute-group">
              <h3 className="attribute-title">
                {attributeTitle(type)}
                <span className="muted"> · {formatRelative(entry.at)}</span>
              </h3>
              <Facts
                rows={
                  entry.value && typeof entry.value === 'object' && !Array.isArray(entry.value)
                    ? Object.entries(entry.value as Record<string, unknown>).map(([key, value]) => [
                        key,
                        show(value),
                      ])
                    : [[t('value'), show(entry.value)]]
                }
              />
            </div>
          ))}
          {traits.length > 0 && (
            <div className="attribute-group">
              <h3 className="attribute-title">{t('Identified as')}</h3>
              <Facts rows={traits.map(([key, value]) => [key, String(value)])} />
            </div>
          )}
          {events.length > 0 && (
            <div className="attribute-group">
              <h3 className="attribute-title">{t('Events')}</h3>
              <Facts
                rows={events.map((event) => [
                  event.name,
                  t('{count}× this visit · last {when}', {
                    count: event.count,
                    when: formatRelative(event.lastAt),
                  }),
                ])}
              />
            </div>
          )}
        </div>
      )}
    </Panel>
  );
}

/** "Chat invitation"; an offline-message form is what a chat engagement falls back to when no agent is free. */
function engagementLabel(type: string): string {
  if (type === 'offline_message') return t('Offline message form (no agent was free)');
  return ENGAGEMENT_LABELS[type as keyof typeof ENGAGEMENT_LABELS] ?? type.replaceAll('_', ' ');
}

export function ExposuresPanel({ exposures }: { exposures: JourneyExposure[] }) {
  const t = useT();
  return (
    <Panel
      title={t('Engagements')}
      meta={exposures.length > 0 ? `${exposures.length}` : undefined}
      testId="exposures-panel"
    >
      {exposures.length === 0 ? (
        <p className="panel-empty">
          {t('No campaign has engaged this visitor yet, and they are in no control group.')}
        </p>
      ) : (
        <ul className="exposure-list">
          {exposures.map((exposure) => (
            <li key={exposure.id} className="exposure" data-testid="exposure">
              <div className="exposure-main">
                <span className="exposure-name">{exposureName(exposure)}</span>
                <span className="muted">
                  {exposure.control
                    ? t('Control group: qualified, shown nothing')
                    : engagementLabel(exposure.engagementType)}
                  {' · '}
                  {formatRelative(exposure.createdAt)}
                </span>
              </div>
              <span
                className={`badge badge-outcome-${exposure.control ? 'control' : (exposure.outcome ?? 'pending')}`}
                data-testid="exposure-outcome"
              >
                {exposure.control ? t('Control') : outcomeLabel(exposure.outcome)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

export function SessionsPanel({ visitor }: { visitor: VisitorJourney }) {
  const t = useT();
  const past = visitor.sessions.filter((session) => session.id !== visitor.sessionId);
  if (past.length === 0) return null;
  return (
    <Panel title={t('Earlier visits')} meta={`${past.length}`} testId="sessions-panel">
      <ul className="session-list">
        {past.map((session) => (
          <li key={session.id} className="session-item">
            <span>{formatDateTime(session.startedAt)}</span>
            <span className="muted">
              {t('{count, plural, one {# page} other {# pages}}', { count: session.pageViews })} ·{' '}
              {channelLabel(session.channel)}
            </span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
