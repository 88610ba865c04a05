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
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { ApnsDialog, FcmDialog, type Provider, WebhookDialog } from './push-dialogs.tsx';

// Getters: each read gives the name in the console's language at that moment.
const PROVIDER_NAMES: Record<Provider, string> = {
  get fcm() {
    return t('Firebase Cloud Messaging (Android)');
  },
  get apns() {
    return t('Apple Push Notification service (iOS)');
  },
  get webhook() {
    return t('Push webhook');
  },
};

const PROVIDER_SHORT: Record<string, string> = {
  fcm: 'FCM',
  apns: 'APNs',
  get webhook() {
    return t('the webhook');
  },
};

/** What is set for a provider, in one line. */
function summary(p: Provider, s: PushSettings): string | null {
  if (p === 'fcm')
    return s.fcm
      ? `${t('Project {id}', { id: s.fcm.projectId })}${s.fcm.clientEmail ? ` · ${s.fcm.clientEmail}` : ''}`
      : null;
  if (p === 'apns')
    return s.apns
      ? t('Key {keyId} · team {teamId} · {bundleId} · {environment}', {
          keyId: s.apns.keyId,
          teamId: s.apns.teamId,
          bundleId: s.apns.bundleId,
          environment: s.apns.environment,
        })
      : null;
  return s.webhook ? s.webhook.url : null;
}

export function PushCard({ site }: { site: Site }) {
  const t = useT();
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
          <LoadingState label={t('Loading push settings…')} />
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
                          <span className="badge badge-active">{t('Set')}</span>{' '}
                          <span className="mono">{set}</span>
                        </span>
                      ) : (
                        <span className="push-provider-state muted">{t('Not set')}</span>
                      )}
                    </div>
                    <div className="card-actions">
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => setEditing({ kind: 'edit', provider: p })}
                        aria-label={
                          set
                            ? t('Replace {provider} for {site}', {
                                provider: PROVIDER_SHORT[p]!,
                                site: site.name,
                              })
                            : t('Set up {provider} for {site}', {
                                provider: PROVIDER_SHORT[p]!,
                                site: site.name,
                              })
                        }
                      >
                        {set ? t('Replace') : t('Set up')}
                      </button>
                      {set && (
                        <button
                          type="button"
                          className="button button-small button-danger-quiet"
                          onClick={() => setEditing({ kind: 'remove', provider: p })}
                          aria-label={t('Remove {provider} for {site}', {
                            provider: PROVIDER_SHORT[p]!,
                            site: site.name,
                          })}
                        >
                          {t('Remove')}
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
          title={t('Remove {provider} for {site}?', {
            provider: PROVIDER_SHORT[editing.provider]!,
            site: site.name,
          })}
          confirmLabel={t('Remove')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            saved(await savePushSettings(site.id, { [editing.provider]: null }));
          }}
        >
          <p>{t("Replies stop reaching this app's users through it. Messages stay in the app.")}</p>
        </ConfirmDialog>
      )}
    </article>
  );
}

function LastSuccess({ at }: { at: string | null }) {
  const t = useT();
  return (
    <span className="push-last-success" data-testid="push-last-success">
      {at ? (
        <>
          {t('Last delivered')}{' '}
          <time dateTime={at} title={formatDateTime(at)}>
            {formatRelative(at)}
          </time>
        </>
      ) : (
        <span className="muted">{t('No push delivered yet')}</span>
      )}
    </span>
  );
}

/** The last failure; a warning while nothing has been delivered since, a quiet note once pushes work again. */
function LastError({ settings }: { settings: PushSettings }) {
  const t = useT();
  const e = settings.lastError;
  if (!e) return null;
  const current = !settings.lastSuccessAt || Date.parse(e.at) >= Date.parse(settings.lastSuccessAt);
  const provider = PROVIDER_SHORT[e.provider] ?? e.provider;
  if (!current)
    return (
      <p className="muted push-old-error" data-testid="push-last-error">
        {t('Last error {time} ({provider}): {message}. Pushes have been delivered since.', {
          time: formatDateTime(e.at),
          provider,
          message: e.message,
        })}
      </p>
    );
  return (
    <div className="alert alert-warning push-error" role="alert" data-testid="push-last-error">
      <AlertIcon className="alert-icon" />
      <div>
        <p className="push-error-title">
          {t('Push through {provider} failed on', { provider })}{' '}
          <time dateTime={e.at} data-testid="push-error-time">
            {formatDateTime(e.at)}
          </time>
        </p>
        <p>
          {e.message} <code className="push-error-code">{e.code}</code>
        </p>
        <p className="push-error-hint">
          {t('Replies still reach the app when it is opened. Check the credentials and replace them.')}
        </p>
      </div>
    </div>
  );
}
