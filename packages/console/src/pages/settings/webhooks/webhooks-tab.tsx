/** Settings › Webhooks: endpoints that receive signed events (or Slack notices), their secrets and delivery logs. */
import { useState } from 'react';
import {
  deleteWebhook,
  listWebhooks,
  rotateWebhook,
  updateWebhook,
  type WebhookEndpoint,
} from '../../../api/webhooks.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { AlertIcon, LayersIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { CreateWebhookDialog } from './create-webhook-dialog.tsx';
import { DeliveryLog } from './delivery-log.tsx';
import { WebhookSecretDialog } from './webhook-secret.tsx';
import './webhooks.css';

type Editing =
  | { kind: 'create' }
  | { kind: 'secret'; title: string; secret: string }
  | { kind: 'delete'; endpoint: WebhookEndpoint }
  | null;

export function WebhooksTab() {
  const t = useT();
  const endpoints = useResource(listWebhooks);
  const [editing, setEditing] = useState<Editing>(null);
  const [open, setOpen] = useState<string | null>(null);
  const failing = endpoints.data?.filter((e) => !e.enabled && e.disabledReason === 'failing') ?? [];
  const replace = (e: WebhookEndpoint) =>
    endpoints.update((list) => list.map((x) => (x.id === e.id ? e : x)));

  const addButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      <PlusIcon />
      {t('New endpoint')}
    </button>
  );

  return (
    <section aria-labelledby="webhooks-heading">
      <SectionHeader
        title={t('Webhooks')}
        id="webhooks-heading"
        description={t(
          'Beckon posts what happens — conversations, messages, contacts, ratings — to your servers or to Slack.',
        )}
        actions={endpoints.data && endpoints.data.length > 0 ? addButton : null}
      />
      {failing.length > 0 && (
        <div className="alert alert-warning" role="alert" data-testid="webhooks-disabled-notice">
          <AlertIcon className="alert-icon" />
          <span>
            {t(
              '{count, plural, one {An endpoint was} other {# endpoints were}} turned off after failing for days: {urls}. Fix the receiver, turn it on, then replay what it missed.',
              { count: failing.length, urls: failing.map((e) => e.url).join(', ') },
            )}
          </span>
        </div>
      )}
      {endpoints.loading && !endpoints.data ? (
        <LoadingState label={t('Loading webhooks…')} />
      ) : endpoints.error ? (
        <LoadError error={endpoints.error} onRetry={endpoints.reload} />
      ) : endpoints.data?.length === 0 ? (
        <EmptyState
          icon={<LayersIcon />}
          title={t('No webhooks yet')}
          testId="webhooks-empty"
          actions={addButton}
        >
          <p>
            {t(
              'Send conversations, messages, contacts and ratings to your CRM or data warehouse as they happen, or post waiting chats and low ratings to a Slack channel.',
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table webhook-table" data-testid="webhook-table">
            <thead>
              <tr>
                <th scope="col">{t('Endpoint')}</th>
                <th scope="col">{t('Events')}</th>
                <th scope="col">{t('Status')}</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">{t('Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {endpoints.data?.map((e) => (
                <EndpointRows
                  key={e.id}
                  endpoint={e}
                  open={open === e.id}
                  onToggleLog={() => setOpen(open === e.id ? null : e.id)}
                  onChanged={replace}
                  onRotated={(secret) =>
                    setEditing({ kind: 'secret', title: t('Copy the new secret'), secret })
                  }
                  onDelete={() => setEditing({ kind: 'delete', endpoint: e })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {editing?.kind === 'create' && (
        <CreateWebhookDialog
          onClose={() => setEditing(null)}
          onCreated={({ secret, ...e }) => {
            endpoints.update((list) => [...list, e]);
            setEditing(
              e.kind === 'slack' ? null : { kind: 'secret', title: t('Copy your signing secret'), secret },
            );
          }}
        />
      )}
      {editing?.kind === 'secret' && (
        <WebhookSecretDialog title={editing.title} secret={editing.secret} onClose={() => setEditing(null)} />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Delete this endpoint?')}
          confirmLabel={t('Delete endpoint')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteWebhook(editing.endpoint.id);
            endpoints.update((list) => list.filter((x) => x.id !== editing.endpoint.id));
          }}
        >
          <p>
            {t('{url} stops receiving events, and its delivery log is deleted.', {
              url: editing.endpoint.url,
            })}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function EndpointRows(props: {
  endpoint: WebhookEndpoint;
  open: boolean;
  onToggleLog: () => void;
  onChanged: (e: WebhookEndpoint) => void;
  onRotated: (secret: string) => void;
  onDelete: () => void;
}) {
  const t = useT();
  const e = props.endpoint;
  const status = e.enabled ? t('On') : e.disabledReason === 'failing' ? t('Off: kept failing') : t('Off');
  return (
    <>
      <tr data-testid="webhook-row" data-webhook-id={e.id}>
        <th scope="row" className="cell-strong">
          <span className="cell-url">{e.url}</span>
          {e.kind === 'slack' && <span className="badge">Slack</span>}
        </th>
        <td data-label={t('Events')}>
          {e.kind === 'slack' ? (
            <span className="muted">{t('Waiting chats, low ratings, SLA breaches')}</span>
          ) : (
            <span title={e.events.join(', ')}>
              {e.events.length === 1
                ? e.events[0]
                : t('{count, plural, one {# event} other {# events}}', { count: e.events.length })}
            </span>
          )}
        </td>
        <td data-label={t('Status')}>
          <span className={e.enabled ? 'badge badge-active' : 'badge badge-paused'}>{status}</span>
        </td>
        <td className="cell-actions">
          <button
            type="button"
            className="button button-small"
            onClick={props.onToggleLog}
            aria-expanded={props.open}
          >
            {t('Deliveries')}
          </button>
          {e.kind === 'webhook' && (
            <button
              type="button"
              className="button button-small"
              onClick={async () => props.onRotated((await rotateWebhook(e.id)).secret)}
            >
              {t('Rotate secret')}
            </button>
          )}
          <button
            type="button"
            className="button button-small"
            onClick={async () => props.onChanged(await updateWebhook(e.id, { enabled: !e.enabled }))}
          >
            {e.enabled ? t('Turn off') : t('Turn on')}
          </button>
          <button type="button" className="button button-small button-danger-quiet" onClick={props.onDelete}>
            {t('Delete')}
          </button>
        </td>
      </tr>
      {props.open && (
        <tr>
          <td colSpan={4}>
            <DeliveryLog endpoint={e} />
          </td>
        </tr>
      )}
    </>
  );
}
