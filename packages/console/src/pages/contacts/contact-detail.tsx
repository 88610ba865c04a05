/** One contact: conversations on every channel, visits, purchases, attributes, notes, and merging by hand. */
import { useCallback, useState } from 'react';
import { type ContactDetail, getContact, undoMerge } from '../../api/contacts.ts';
import { ApiError, errorMessage } from '../../api/http.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime, formatMoney, formatNumber, formatRelative } from '../../components/format.ts';
import { ContactsIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PrivacyActions } from '../../components/privacy-actions.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link, navigate } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { DialButton } from '../../workspace/phone-dial.tsx';
import { STATUS_LABELS } from '../conversations/conversation-format.ts';
import { shortId } from '../visitors/visitor-format.ts';
import { Facts, Panel } from '../visitors/visitor-panels.tsx';
import { ConsentPanel } from './consent-panel.tsx';
import { channelName, contactLabel } from './contact-format.ts';
import { MergePanel } from './merge-panel.tsx';
import { NotesPanel } from './notes-panel.tsx';
import './contacts.css';

export function ContactDetailPage({ contactId }: { contactId: string }) {
  const t = useT();
  const load = useCallback(() => getContact(contactId), [contactId]);
  const res = useResource(load);
  const { user } = useSession();
  const mayEdit = user.role !== 'analyst';
  const detail = res.data;
  const back = (
    <Link to="/contacts" className="back-link">
      ← {t('All contacts')}
    </Link>
  );

  if (!detail) {
    const missing = res.error instanceof ApiError && res.error.status === 404;
    return (
      <>
        <PageHeader title={t('Contact')} description={back} />
        {missing ? (
          <EmptyState
            icon={<ContactsIcon />}
            title={t("We don't know this contact")}
            testId="contact-not-found"
          >
            <p>{t('No contact with this id belongs to your account.')}</p>
          </EmptyState>
        ) : res.error ? (
          <LoadError error={res.error} onRetry={res.reload} />
        ) : (
          <LoadingState label={t('Loading the contact…')} />
        )}
      </>
    );
  }

  const c = detail.contact;
  return (
    <>
      <PageHeader
        title={contactLabel(c)}
        description={back}
        actions={
          canManage(user.role) && (
            <PrivacyActions
              subject={{ contactId: c.id }}
              who={contactLabel(c)}
              onErased={() => navigate('/contacts', { replace: true })}
            />
          )
        }
      />
      <div className="visitor-strip" data-testid="contact-strip">
        {c.verified ? (
          <span
            className="tag tag-returning"
            title={t('Your site vouched for this user (identify with userHash)')}
          >
            {t('Verified user {id}', { id: c.externalId ?? '' })}
          </span>
        ) : (
          <span className="tag tag-new">{t('Not verified')}</span>
        )}
        {c.email && (
          <span className="strip-item" data-testid="contact-email">
            {c.email}
            {c.emailOptOut && <span className="muted"> · {t('no e-mail')}</span>}
          </span>
        )}
        {c.phone && (
          <span className="strip-item" data-testid="contact-phone">
            {c.phone} {user.role !== 'analyst' && <DialButton target={{ contactId: c.id }} />}
          </span>
        )}
        <span className="strip-item muted">
          {t('Last seen {when}', { when: formatRelative(c.lastSeenAt) })}
        </span>
      </div>
      <div className="visitor-layout">
        <div className="visitor-main">
          <ConversationsPanel detail={detail} />
          <VisitsPanel detail={detail} />
          <PurchasesPanel detail={detail} />
        </div>
        <div className="visitor-aside">
          <ConsentPanel contactId={c.id} mayManage={canManage(user.role)} />
          <NotesPanel contactId={c.id} notes={detail.notes} mayEdit={mayEdit} onAdded={res.reload} />
          <Panel title={t('Attributes')} testId="contact-attributes">
            {Object.keys(c.attributes).length ? (
              <Facts
                rows={Object.entries(c.attributes).map(([k, v]) => [
                  k,
                  typeof v === 'object' ? JSON.stringify(v) : String(v),
                ])}
              />
            ) : (
              <p className="muted contact-empty-line">
                {t("None yet. Your site's customer attribute lands here.")}
              </p>
            )}
          </Panel>
          {mayEdit && <MergePanel contact={c} onMerged={res.reload} />}
          {detail.merges.length > 0 && (
            <MergesPanel detail={detail} mayEdit={mayEdit} onUndone={res.reload} />
          )}
        </div>
      </div>
    </>
  );
}

function ConversationsPanel({ detail }: { detail: ContactDetail }) {
  const t = useT();
  const items = detail.conversations;
  return (
    <Panel title={t('Conversations')} meta={formatNumber(items.length)} testId="contact-conversations">
      {items.length === 0 ? (
        <p className="muted contact-empty-line">{t('No conversations yet.')}</p>
      ) : (
        <ul className="contact-list-plain">
          {items.map((conv) => (
            <li key={conv.id} data-testid="contact-conversation">
              <Link to={`/conversations/history/${encodeURIComponent(conv.id)}`}>
                {conv.topic || t('Conversation {ref}', { ref: shortId(conv.id.replace(/^conv_/, '')) })}
              </Link>
              <span className="chip chip-small">{channelName(conv.channel)}</span>
              <span className={`badge badge-chat-${conv.status}`}>
                {STATUS_LABELS[conv.status as keyof typeof STATUS_LABELS] ?? conv.status}
              </span>
              <span className="muted">{formatDateTime(conv.lastMessageAt ?? conv.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function VisitsPanel({ detail }: { detail: ContactDetail }) {
  const t = useT();
  const visits = detail.visits;
  return (
    <Panel title={t('Visits')} meta={formatNumber(visits.length)} testId="contact-visits">
      {visits.length === 0 ? (
        <p className="muted contact-empty-line">{t('No visits on your sites are known for this contact.')}</p>
      ) : (
        <ul className="contact-list-plain">
          {visits.map((v) => (
            <li key={v.sessionId}>
              <Link to={`/visitors/${encodeURIComponent(v.visitorId)}?site=${encodeURIComponent(v.siteId)}`}>
                {formatDateTime(v.startedAt)}
              </Link>
              <span>{t('{count, plural, one {# page} other {# pages}}', { count: v.pageViews })}</span>
              {v.landingUrl && (
                <span className="muted" title={v.landingUrl}>
                  {t('from {path}', { path: pathOf(v.landingUrl) })}
                </span>
              )}
              <span className="muted">{v.device}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function PurchasesPanel({ detail }: { detail: ContactDetail }) {
  const t = useT();
  const purchases = detail.purchases;
  return (
    <Panel title={t('Purchases')} meta={formatNumber(purchases.length)} testId="contact-purchases">
      {purchases.length === 0 ? (
        <p className="muted contact-empty-line">{t('No purchases yet.')}</p>
      ) : (
        <ul className="contact-list-plain">
          {purchases.map((p) => (
            <li key={p.id}>
              <strong>{formatMoney(p.revenue, p.currency ?? 'EUR')}</strong>
              {p.orderId && <span>{t('Order {id}', { id: p.orderId })}</span>}
              <span className="muted">{formatDateTime(p.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function MergesPanel({
  detail,
  mayEdit,
  onUndone,
}: {
  detail: ContactDetail;
  mayEdit: boolean;
  onUndone: () => void;
}) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const undo = (id: string) => {
    setBusy(id);
    setError(null);
    undoMerge(id).then(
      () => {
        setBusy(null);
        onUndone();
      },
      (e: unknown) => {
        setBusy(null);
        setError(errorMessage(e));
      },
    );
  };
  return (
    <Panel title={t('Merged contacts')} testId="contact-merges">
      <ul className="contact-list-plain">
        {detail.merges.map((m) => (
          <li key={m.id}>
            <span>{t('Merged {when}', { when: formatDateTime(m.createdAt) })}</span>
            {mayEdit && (
              <button
                type="button"
                className="button button-small"
                disabled={busy === m.id}
                onClick={() => undo(m.id)}
              >
                {busy === m.id ? t('Undoing…') : t('Undo merge')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && <p className="field-error">{error}</p>}
    </Panel>
  );
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
