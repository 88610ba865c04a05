/** One visitor's page: their journey as it happens (refreshed every second), what is known about them, and "Invite to chat". */
import { useCallback, useEffect, useRef, useState } from 'react';
import { knownContact, useContactNames } from '../../api/contact-names.ts';
import { ApiError } from '../../api/http.ts';
import { listSites } from '../../api/sites.ts';
import type { Site, VisitorJourney } from '../../api/types.ts';
import { getVisitor, type InviteResult } from '../../api/visitors.ts';
import { placeName } from '../../components/country-names.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatRelative } from '../../components/format.ts';
import { ConversationsIcon, VisitorsIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PrivacyActions } from '../../components/privacy-actions.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link, navigate } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { AppBadge } from './app-badge.tsx';
import { DeviceIcon } from './device-icon.tsx';
import { InviteDialog } from './invite-dialog.tsx';
import { JourneyTimeline } from './journey-timeline.tsx';
import { ScorePanel } from './score-panel.tsx';
import { useLive, useNow } from './use-live.ts';
import { DEVICE_LABELS, shortId } from './visitor-format.ts';
import {
  AttributesPanel,
  CartPanel,
  ExposuresPanel,
  SessionsPanel,
  SourcePanel,
  VisitPanel,
} from './visitor-panels.tsx';

const loadSites = () => listSites().catch(() => [] as Site[]);

export function VisitorDetail({ visitorId, siteId }: { visitorId: string; siteId: string | undefined }) {
  const t = useT();
  const load = useCallback(() => getVisitor(visitorId, siteId), [visitorId, siteId]);
  const live = useLive(load);
  const sites = useResource(loadSites);
  const now = useNow();
  const [inviting, setInviting] = useState(false);
  const [sent, setSent] = useState<InviteResult | null>(null);
  const { user } = useSession();
  // A visitor who is a known contact is titled by name, as in the live list.
  useContactNames([{ visitorId }]);
  const contact = knownContact(null, visitorId);
  // Analysts read; owners, admins and agents may invite.
  const mayInvite = user.role !== 'analyst';
  const visitor = live.data;
  const clockGrows = useGrowing(visitor);
  const elapsed =
    visitor?.connected && clockGrows ? Math.min(2, Math.max(0, (now - live.receivedAt) / 1000)) : 0;
  const site = sites.data?.find((item) => item.id === visitor?.siteId);
  const notFound = live.error instanceof ApiError && live.error.status === 404;

  const invite = visitor && mayInvite && (
    <span className="invite-action">
      <button
        type="button"
        className="button button-primary"
        disabled={!visitor.connected}
        aria-describedby={visitor.connected ? undefined : 'invite-note'}
        onClick={() => setInviting(true)}
      >
        <ConversationsIcon />
        {t('Invite to chat')}
      </button>
      {!visitor.connected && (
        <span className="invite-note" id="invite-note">
          {t('Available while the visitor is on your site')}
        </span>
      )}
    </span>
  );

  const header = (
    <PageHeader
      title={contact?.name || contact?.email || t('Visitor {id}', { id: shortId(visitorId) })}
      description={
        <Link to="/visitors" className="back-link">
          {t('← All visitors')}
        </Link>
      }
      actions={
        visitor && (
          <>
            {canManage(user.role) && (
              <PrivacyActions
                subject={{ visitorId }}
                who={contact?.name || contact?.email || t('this visitor')}
                onErased={() => navigate('/visitors', { replace: true })}
              />
            )}
            {invite}
          </>
        )
      }
    />
  );

  if (!visitor) {
    return (
      <>
        {header}
        {notFound ? (
          <EmptyState
            icon={<VisitorsIcon />}
            title={t("We don't know this visitor")}
            testId="visitor-not-found"
          >
            <p>
              {t(
                'No visitor with this id has been on your sites, or they were here so long ago that they have been forgotten.',
              )}
            </p>
          </EmptyState>
        ) : live.error ? (
          <LoadError error={live.error} onRetry={() => window.location.reload()} />
        ) : (
          <LoadingState label={t("Loading the visitor's journey…")} />
        )}
      </>
    );
  }

  return (
    <>
      {header}
      <div className="visitor-strip" data-testid="visitor-status">
        <span
          className={visitor.connected ? 'presence presence-live' : 'presence'}
          data-testid="visitor-presence"
        >
          {visitor.connected
            ? t('On your site now')
            : t('Left · last seen {when}', { when: formatRelative(visitor.lastEventAt, now) })}
        </span>
        <span className={visitor.returning ? 'tag tag-returning' : 'tag tag-new'}>
          {visitor.returning
            ? t('Returning · visit {number}', { number: visitor.sessionCount })
            : t('New visitor')}
        </span>
        <span className="strip-item">
          <DeviceIcon device={visitor.device} />
          {DEVICE_LABELS[visitor.device] ?? visitor.device}
          <AppBadge app={visitor.app} />
        </span>
        {placeName(visitor.geo) && (
          <span
            className="strip-item"
            data-testid="visitor-place"
            title={[visitor.geo?.region, visitor.geo?.timezone].filter(Boolean).join(' · ')}
          >
            {placeName(visitor.geo)} · <a href="https://db-ip.com">{t('IP Geolocation by DB-IP')}</a>
          </span>
        )}
        {site && <span className="strip-item">{site.name}</span>}
        <span className="strip-item mono muted" title={t('Visitor id')}>
          {visitor.visitorId}
        </span>
        {live.error !== undefined && <span className="strip-item warning-text">{t('Reconnecting…')}</span>}
      </div>
      {sent && (
        <div className="alert alert-success" role="status" data-testid="invite-sent">
          {sent.from === 'you'
            ? t('Invitation sent in your name. When the visitor accepts, the chat comes straight to you.')
            : t(
                "Invitation sent from the team. When the visitor accepts, the chat goes to the skill's first free agent.",
              )}
          <button type="button" className="button button-small alert-action" onClick={() => setSent(null)}>
            {t('Dismiss')}
          </button>
        </div>
      )}
      <div className="visitor-layout">
        <div className="visitor-main">
          <JourneyTimeline visitor={visitor} extraSeconds={elapsed} />
          <ExposuresPanel exposures={visitor.exposures} />
        </div>
        <div className="visitor-aside">
          <ScorePanel visitor={visitor} />
          <VisitPanel visitor={visitor} extraSeconds={elapsed} />
          <CartPanel visitor={visitor} />
          <SourcePanel visitor={visitor} />
          <AttributesPanel visitor={visitor} />
          <SessionsPanel visitor={visitor} />
        </div>
      </div>
      {inviting && (
        <InviteDialog
          visitorId={visitor.visitorId}
          siteId={visitor.siteId}
          onClose={() => setInviting(false)}
          onSent={(result) => {
            setSent(result);
            setInviting(false);
          }}
        />
      )}
    </>
  );
}

/** Whether the visitor's time on page grew since the previous answer (a hidden tab's does not). */
function useGrowing(visitor: VisitorJourney | undefined): boolean {
  const last = useRef<{ url: string | undefined; seconds: number } | null>(null);
  const [growing, setGrowing] = useState(false);
  useEffect(() => {
    if (!visitor) return;
    const before = last.current;
    setGrowing(
      Boolean(before && before.url === visitor.page?.url && visitor.timeOnPageSeconds > before.seconds),
    );
    last.current = { url: visitor.page?.url, seconds: visitor.timeOnPageSeconds };
  }, [visitor]);
  return growing;
}
