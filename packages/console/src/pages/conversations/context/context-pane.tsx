/**
 * The right pane: who the visitor is and what they did — the journey this visit (pages and
 * times), cart, attributes, the campaign exposure that started the chat, marketing source,
 * device and, when the model has one, the purchase score. Refreshed every few seconds.
 */
import { type ReactNode, useCallback } from 'react';
import type { Conversation } from '../../../api/conversations.ts';
import { ApiError } from '../../../api/http.ts';
import type { VisitorJourney } from '../../../api/types.ts';
import { getVisitor } from '../../../api/visitors.ts';
import { formatDateTime, formatNumber } from '../../../components/format.ts';
import { VisitorsIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { Link } from '../../../router/router.tsx';
import { useWorkspace } from '../../../workspace/workspace-context.tsx';
import { ENGAGEMENT_LABELS } from '../../campaigns/campaign-text.ts';
import { DeviceIcon } from '../../visitors/device-icon.tsx';
import { JourneyTimeline } from '../../visitors/journey-timeline.tsx';
import { useLive } from '../../visitors/use-live.ts';
import { DEVICE_LABELS, exposureName, formatClock } from '../../visitors/visitor-format.ts';
import { AttributesPanel, CartPanel, SourcePanel } from '../../visitors/visitor-panels.tsx';
import { CHANNEL_HOW, howStarted, visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';

export function ContextPane() {
  const c = useWorkspace((s) => (s.selectedId ? s.chats[s.selectedId]?.conversation : undefined), undefined);
  const t = useT();
  return (
    <aside className="pane context-pane" aria-label={t('Visitor context')} data-testid="context">
      {c ? (
        <VisitorContext key={c.id} c={c} />
      ) : (
        <div className="context-placeholder">
          <VisitorsIcon />
          <p>{t("The visitor's journey, cart, source and the campaign that started the chat show here.")}</p>
        </div>
      )}
    </aside>
  );
}

function VisitorContext({ c }: { c: Conversation }) {
  const t = useT();
  const visitorId = c.visitorId;
  const siteId = c.siteId ?? undefined;
  const load = useCallback(
    () =>
      visitorId
        ? getVisitor(visitorId, siteId)
        : Promise.reject(new ApiError(404, 'not_found', 'no visitor')),
    [visitorId, siteId],
  );
  const live = useLive(load, 5000);
  const visitor = live.data;
  const unknown = live.error instanceof ApiError && live.error.status === 404;

  return (
    <div className="context-stack">
      <ConversationFacts c={c} visitor={visitor} />
      {visitor ? (
        <>
          <Origin c={c} visitor={visitor} />
          <VisitFacts visitor={visitor} />
          <JourneyTimeline visitor={visitor} extraSeconds={0} />
          <CartPanel visitor={visitor} />
          <SourcePanel visitor={visitor} />
          <AttributesPanel visitor={visitor} />
        </>
      ) : unknown ? (
        <p className="context-empty" data-testid="context-no-visitor">
          {c.channel === 'web'
            ? t(
                'No browsing data for this visitor: they started the chat without the Beckon tag on the page, or through the API.',
              )
            : t('This conversation came {how}: there is no browsing to show.', {
                how: CHANNEL_HOW[c.channel],
              })}
          {c.contactId && (
            <>
              {' '}
              <Link to={`/contacts/${encodeURIComponent(c.contactId)}`}>{t('Their contact page')}</Link>{' '}
              {t('has every conversation, visit and purchase.')}
            </>
          )}
        </p>
      ) : live.error ? (
        <LoadError error={live.error} onRetry={() => window.location.reload()} />
      ) : (
        <LoadingState label={t('Loading the visitor…')} />
      )}
    </div>
  );
}

function ConversationFacts({ c, visitor }: { c: Conversation; visitor: VisitorJourney | undefined }) {
  const { skillName } = useDirectory();
  const t = useT();
  const waited =
    c.assignedAt && c.enqueuedAt
      ? Math.max(0, (Date.parse(c.assignedAt) - Date.parse(c.enqueuedAt)) / 1000)
      : null;
  const rows: [string, ReactNode][] = [[t('Started'), formatDateTime(c.createdAt)]];
  if (waited !== null) rows.push([t('Waited'), formatClock(waited)]);
  rows.push([t('How'), howStarted(c)]);
  const skill = skillName(c.skillId);
  if (skill) rows.push([t('Skill'), skill]);
  if (c.topic) rows.push([t('Topic'), c.topic]);
  if (c.visitorEmail) rows.push([t('E-mail'), <EmailAddress key="email" address={c.visitorEmail} />]);
  return (
    <section className="card panel context-who" data-testid="context-visitor">
      <h2 className="context-name">{visitorLabel(c)}</h2>
      {visitor && (
        <p className="context-tags">
          <span className={visitor.connected ? 'presence presence-live' : 'presence'}>
            {visitor.connected ? t('On your site now') : t('Left the site')}
          </span>
          <span className={visitor.returning ? 'tag tag-returning' : 'tag tag-new'}>
            {visitor.returning
              ? t('Returning · visit {count}', { count: visitor.sessionCount })
              : t('New visitor')}
          </span>
          <span className="strip-item">
            <DeviceIcon device={visitor.device} />
            {DEVICE_LABELS[visitor.device] ?? visitor.device}
          </span>
        </p>
      )}
      <dl className="panel-facts">
        {rows.map(([label, value]) => (
          <div key={label} className="panel-fact">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {visitor && (
        <Link
          to={`/visitors/${encodeURIComponent(visitor.visitorId)}?site=${encodeURIComponent(visitor.siteId)}`}
          className="context-more"
        >
          {t('Full visitor profile →')}
        </Link>
      )}
    </section>
  );
}

/** The exposure (campaign and engagement) that started the chat, when there was one. */
function Origin({ c, visitor }: { c: Conversation; visitor: VisitorJourney }) {
  const t = useT();
  if (!c.originExposureId) return null;
  const exposure = visitor.exposures.find((e) => e.id === c.originExposureId);
  const name = exposureName(exposure);
  const type = exposure
    ? (ENGAGEMENT_LABELS[exposure.engagementType as keyof typeof ENGAGEMENT_LABELS] ??
      exposure.engagementType)
    : null;
  return (
    <section className="card panel" data-testid="context-origin">
      <header className="panel-header">
        <h2 className="panel-title">{t('Started by')}</h2>
      </header>
      <p className="origin-name">{name}</p>
      {type && exposure && (
        <p className="muted">
          {t('{type} · shown {when}', { type, when: formatDateTime(exposure.shownAt ?? exposure.createdAt) })}
        </p>
      )}
    </section>
  );
}

function VisitFacts({ visitor }: { visitor: VisitorJourney }) {
  const t = useT();
  const rows: [string, string][] = [
    [t('Time on site'), formatClock(visitor.timeOnSiteSeconds)],
    [t('Pages this visit'), formatNumber(visitor.pageViews)],
  ];
  return (
    <section className="card panel" data-testid="context-visit">
      <header className="panel-header">
        <h2 className="panel-title">{t('This visit')}</h2>
      </header>
      {visitor.score !== null && (
        <div className="score" data-testid="context-score">
          <span className="score-label">{t('Purchase score')}</span>
          <span className="score-bar" aria-hidden="true">
            <span className="score-fill" style={{ width: `${Math.round(visitor.score * 100)}%` }} />
          </span>
          <span className="score-value">{formatNumber(Math.round(visitor.score * 100))} %</span>
        </div>
      )}
      <dl className="panel-facts">
        {rows.map(([label, value]) => (
          <div key={label} className="panel-fact">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** An address that wraps after its "@" when it must, not at its last letter. */
function EmailAddress({ address }: { address: string }) {
  const at = address.lastIndexOf('@');
  if (at <= 0) return <>{address}</>;
  return (
    <>
      {address.slice(0, at + 1)}
      <wbr />
      {address.slice(at + 1)}
    </>
  );
}
