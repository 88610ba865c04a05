/**
 * One site's push settings: which providers are set (never their keys), the last delivery error in
 * a warning while it is the latest news, and the last success.
 */
import { useCallback, useState } from 'react';
import { getPushSettings, type PushSettings, savePushSettings } from '../../../api/channels.ts';
import type { Site } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { formatDateTime, formatRelative } from '../../../components/format.ts';
import { AlertIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { ApnsDialog, FcmDialog, type Provider, WebhookDialog } from './push-dialogs.tsx';

const PROVIDER_NAMES: Record<Provider, string> = {
  fcm: 'Firebase Cloud Messaging (Android)',
  apns: 'Apple Push Notification service (iOS)',
  webhook: 'Push webhook',
};

const PROVIDER_SHORT: Record<string, string> = { fcm: 'FCM', apns: 'APNs', webhook: 'the webhook' };

/** What is set for a provider, in one line. */
function summary(p: Provider, s: PushSettings): string | null {
  if (p === 'fcm')
    return s.fcm ? `Project ${s.fcm.projectId}${s.fcm.clientEmail ? ` · ${s.fcm.clientEmail}` : ''}` : null;
  if (p === 'apns')
    return s.apns
      ? `Key ${s.apns.keyId} · team ${s.apns.teamId} · ${s.apns.bundleId} · ${s.apns.environment}`
      : null;
  return s.webhook ? s.webhook.url : null;
}

export function PushCard({ site }: { site: Site }) {
  const load = useCallback(() => getPushSettings(site.id), [site.id]);
  const push = useResource(load);
  const [editing, setEditing] = useState<{ kind: 'edit' | 'remove'; provider: Provider } | null>(null);
  const headingId = `push-${site.id}`;
  const saved = (next: PushSettings) => {
    push.update(() => next);
    setEditing(null);
  };

  return (
    <article className="card channel-card" aria-labelledby={headingId} data-testid="push-card">
      <div className="channel-card-body">
        <header className="channel-card-header">
          <h3 className="card-title" id={headingId}>
            {site.name}
          </h3>
          {push.data && <LastSuccess at={push.data.lastSuccessAt} />}
        </header>
        {push.loading && !push.data ? (
          <LoadingState label="Loading push settings…" />
        ) : push.error ? (
          <LoadError error={push.error} onRetry={push.reload} />
        ) : push.data ? (
          <>
            <LastError settings={push.data} />
            <ul className="push-providers">
              {(['fcm', 'apns', 'webhook'] as const).map((p) => {
                const set = summary(p, push.data!);
                return (
                  <li key={p} className="push-provider" data-testid={`push-${p}`}>
                    <div className="push-provider-text">
                      <span className="push-provider-name">{PROVIDER_NAMES[p]}</span>
                      {set ? (
                        <span className="push-provider-state">
                          <span className="badge badge-active">Set</span> <span className="mono">{set}</span>
                        </span>
                      ) : (
                        <span className="push-provider-state muted">Not set</span>
                      )}
                    </div>
                    <div className="card-actions">
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => setEditing({ kind: 'edit', provider: p })}
                        aria-label={`${set ? 'Replace' : 'Set up'} ${PROVIDER_SHORT[p]} for ${site.name}`}
                      >
                        {set ? 'Replace' : 'Set up'}
                      </button>
                      {set && (
                        <button
                          type="button"
                          className="button button-small button-danger-quiet"
                          onClick={() => setEditing({ kind: 'remove', provider: p })}
                          aria-label={`Remove ${PROVIDER_SHORT[p]} for ${site.name}`}
                        >
                          Remove
                        </button>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          </>
        ) : null}
      </div>
      {editing?.kind === 'edit' && editing.provider === 'fcm' && (
        <FcmDialog site={site} onSaved={saved} onClose={() => setEditing(null)} />
      )}
      {editing?.kind === 'edit' && editing.provider === 'apns' && (
        <ApnsDialog site={site} onSaved={saved} onClose={() => setEditing(null)} />
      )}
      {editing?.kind === 'edit' && editing.provider === 'webhook' && (
        <WebhookDialog site={site} onSaved={saved} onClose={() => setEditing(null)} />
      )}
      {editing?.kind === 'remove' && (
        <ConfirmDialog
          title={`Remove ${PROVIDER_SHORT[editing.provider]} for ${site.name}?`}
          confirmLabel="Remove"
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            saved(await savePushSettings(site.id, { [editing.provider]: null }));
          }}
        >
          <p>Replies stop reaching this app's users through it. Messages stay in the app.</p>
        </ConfirmDialog>
      )}
    </article>
  );
}

function LastSuccess({ at }: { at: string | null }) {
  return (
    <span className="push-last-success" data-testid="push-last-success">
      {at ? (
        <>
          Last delivered{' '}
          <time dateTime={at} title={formatDateTime(at)}>
            {formatRelative(at)}
          </time>
        </>
      ) : (
        <span className="muted">No push delivered yet</span>
      )}
    </span>
  );
}

/** The last failure; a warning while nothing has been delivered since, a quiet note once pushes work again. */
function LastError({ settings }: { settings: PushSettings }) {
  const e = settings.lastError;
  if (!e) return null;
  const current = !settings.lastSuccessAt || Date.parse(e.at) >= Date.parse(settings.lastSuccessAt);
  const provider = PROVIDER_SHORT[e.provider] ?? e.provider;
  if (!current)
    return (
      <p className="muted push-old-error" data-testid="push-last-error">
        Last error {formatDateTime(e.at)} ({provider}): {e.message}. Pushes have been delivered since.
      </p>
    );
  return (
    <div className="alert alert-warning push-error" role="alert" data-testid="push-last-error">
      <AlertIcon className="alert-icon" />
      <div>
        <p className="push-error-title">
          Push through {provider} failed on{' '}
          <time dateTime={e.at} data-testid="push-error-time">
            {formatDateTime(e.at)}
          </time>
        </p>
        <p>
          {e.message} <code className="push-error-code">{e.code}</code>
        </p>
        <p className="push-error-hint">
          Replies still reach the app when it is opened. Check the credentials and replace them.
        </p>
      </div>
    </div>
  );
}
