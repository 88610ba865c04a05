/**
 * Settings › Security: one's own two-factor sign-in and sessions; for owners, the account's rule
 * that requires two-factor sign-in and every member's sessions.
 */
import { useCallback, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import {
  disableTotp,
  endAnySession,
  endMySession,
  endOtherSessions,
  fetchAccountSecurity,
  fetchTotp,
  listAllSessions,
  listMySessions,
  newRecoveryCodes,
  type SessionInfo,
  setRequireTotp,
} from '../../../api/security.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { formatDateTime, formatRelative } from '../../../components/format.ts';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { canManage, useSession, useSessionApi } from '../../../session/session-context.tsx';
import { MaskingCard } from './masking-card.tsx';
import { PasswordDialog } from './password-dialog.tsx';
import { describeDevice, describeMethod } from './session-device.ts';
import { SsoCard } from './sso-card.tsx';
import { RecoveryCodesPanel, TotpSetup } from './totp-setup.tsx';

export function SecurityTab() {
  const t = useT();
  const { user } = useSession();
  return (
    <section aria-labelledby="security-heading" className="security-tab">
      <SectionHeader
        title={t('Security')}
        id="security-heading"
        description={t('How you sign in, and where you are signed in.')}
      />
      <div className="card-list">
        <TwoFactorCard />
        <SessionsCard />
        {user.role === 'owner' && <AccountRuleCard />}
        {canManage(user.role) && <MaskingCard />}
        {user.role === 'owner' && <SsoCard />}
        {user.role === 'owner' && <AllSessionsCard />}
      </div>
    </section>
  );
}

type TwoFactorMode =
  | { kind: 'idle' }
  | { kind: 'setup' }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'regenerate' }
  | { kind: 'disable' };

function TwoFactorCard() {
  const t = useT();
  const status = useResource(fetchTotp);
  const { refresh } = useSessionApi();
  const [mode, setMode] = useState<TwoFactorMode>({ kind: 'idle' });
  const done = () => {
    setMode({ kind: 'idle' });
    status.reload();
    void refresh();
  };
  const s = status.data;

  return (
    <section className="card" aria-labelledby="totp-title" data-testid="totp-card">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="totp-title">
            {t('Two-factor sign-in')}
          </h3>
          <p className="card-subtitle">
            {t(
              'A 6-digit code from an app on your phone, asked after your password, so a leaked password alone does not open your account.',
            )}
          </p>
        </div>
        {s && (
          <span className={`badge ${s.enabled ? 'badge-active' : 'badge-paused'}`} data-testid="totp-state">
            {s.enabled ? t('On') : t('Off')}
          </span>
        )}
      </header>
      <div className="card-body">
        {status.loading && !s ? (
          <LoadingState label={t('Loading…')} />
        ) : status.error ? (
          <LoadError error={status.error} onRetry={status.reload} />
        ) : mode.kind === 'setup' ? (
          <TotpSetup
            onDone={done}
            onCancel={() => setMode({ kind: 'idle' })}
            // The badge says On while the codes are shown: it already is.
            onEnabled={(codes) =>
              status.update((was) => ({ ...was, enabled: true, recoveryCodesLeft: codes.length }))
            }
          />
        ) : mode.kind === 'codes' ? (
          <RecoveryCodesPanel codes={mode.codes} onDone={done} />
        ) : s?.enabled ? (
          <div className="security-row">
            <p>
              {s.recoveryCodesLeft === 0
                ? t('You have no recovery codes left: make new ones now.')
                : t('{count, plural, one {# recovery code left.} other {# recovery codes left.}}', {
                    count: s.recoveryCodesLeft,
                  })}
              {s.required && ` ${t('This account requires two-factor sign-in, so it stays on.')}`}
            </p>
            <div className="card-actions">
              <button type="button" className="button" onClick={() => setMode({ kind: 'regenerate' })}>
                {t('New recovery codes')}
              </button>
              {!s.required && (
                <button
                  type="button"
                  className="button button-danger-quiet"
                  onClick={() => setMode({ kind: 'disable' })}
                >
                  {t('Turn off')}
                </button>
              )}
            </div>
          </div>
        ) : (
          <div className="security-row">
            <p className="muted">{t('You sign in with your password only.')}</p>
            <button
              type="button"
              className="button button-primary"
              onClick={() => setMode({ kind: 'setup' })}
              data-testid="totp-start"
            >
              {t('Set up two-factor sign-in')}
            </button>
          </div>
        )}
      </div>
      {mode.kind === 'regenerate' && (
        <PasswordDialog
          title={t('Make new recovery codes?')}
          confirmLabel={t('Make new codes')}
          onClose={() => setMode({ kind: 'idle' })}
          onConfirm={async (password) =>
            setMode({ kind: 'codes', codes: (await newRecoveryCodes(password)).recoveryCodes })
          }
        >
          <p>{t('Your current recovery codes stop working.')}</p>
        </PasswordDialog>
      )}
      {mode.kind === 'disable' && (
        <PasswordDialog
          title={t('Turn off two-factor sign-in?')}
          confirmLabel={t('Turn off')}
          danger
          onClose={() => setMode({ kind: 'idle' })}
          onConfirm={async (password) => {
            await disableTotp(password);
            done();
          }}
        >
          <p>{t('Your password alone will sign you in. Your recovery codes stop working.')}</p>
        </PasswordDialog>
      )}
    </section>
  );
}

function SessionsCard() {
  const t = useT();
  const sessions = useResource(listMySessions);
  const [ending, setEnding] = useState<SessionInfo | 'others' | null>(null);
  const others = sessions.data?.filter((s) => !s.current).length ?? 0;
  return (
    <section className="card" aria-labelledby="sessions-title" data-testid="sessions-card">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="sessions-title">
            {t('Where you are signed in')}
          </h3>
          <p className="card-subtitle">
            {t('Sign out a device you no longer use, or one you do not recognise.')}
          </p>
        </div>
        {others > 0 && (
          <div className="card-actions">
            <button type="button" className="button" onClick={() => setEnding('others')}>
              {t('Sign out everywhere else')}
            </button>
          </div>
        )}
      </header>
      <div className="card-body">
        <SessionTable sessions={sessions} showUser={false} onEnd={setEnding} />
      </div>
      {ending && (
        <ConfirmDialog
          title={
            ending === 'others'
              ? t('Sign out everywhere else?')
              : t('Sign out {device}?', { device: describeDevice(ending.userAgent) })
          }
          confirmLabel={t('Sign out')}
          onClose={() => setEnding(null)}
          onConfirm={async () => {
            if (ending === 'others') await endOtherSessions();
            else await endMySession(ending.id);
            sessions.reload();
          }}
        >
          <p>
            {ending === 'others'
              ? t(
                  '{count, plural, one {Your other session ends} other {Your # other sessions end}} at once; this one stays.',
                  { count: others },
                )
              : t('That device must sign in again to use the console.')}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function AccountRuleCard() {
  const t = useT();
  const rule = useResource(fetchAccountSecurity);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const change = async (requireTotp: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const next = await setRequireTotp(requireTotp);
      rule.update(() => next);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="rule-title" data-testid="totp-rule-card">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="rule-title">
            {t('Sign-in rules for everyone')}
          </h3>
          <p className="card-subtitle">{t('Owners only.')}</p>
        </div>
      </header>
      <div className="card-body">
        {rule.loading && !rule.data ? (
          <LoadingState label={t('Loading…')} />
        ) : rule.error ? (
          <LoadError error={rule.error} onRetry={rule.reload} />
        ) : (
          <>
            <label className="check security-check">
              <input
                type="checkbox"
                checked={rule.data?.requireTotp ?? false}
                disabled={busy}
                onChange={(event) => void change(event.target.checked)}
                data-testid="require-totp"
              />
              <span className="security-check-text">
                <strong>{t('Require two-factor sign-in for every member')}</strong>
                <span className="field-hint">
                  {t(
                    'Members without it are asked to set it up at their next page load, and can do nothing else until they have.',
                  )}
                </span>
              </span>
            </label>
            <FormError message={error} />
          </>
        )}
      </div>
    </section>
  );
}

function AllSessionsCard() {
  const t = useT();
  const loader = useCallback(listAllSessions, []);
  const sessions = useResource(loader);
  const [ending, setEnding] = useState<SessionInfo | null>(null);
  return (
    <section className="card" aria-labelledby="all-sessions-title" data-testid="all-sessions-card">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="all-sessions-title">
            {t("Everyone's sessions")}
          </h3>
          <p className="card-subtitle">
            {t("Every member's signed-in devices. Sign one out if it should not be there.")}
          </p>
        </div>
      </header>
      <div className="card-body">
        <SessionTable sessions={sessions} showUser onEnd={setEnding} />
      </div>
      {ending && (
        <ConfirmDialog
          title={t('Sign {name} out of {device}?', {
            name: ending.userName,
            device: describeDevice(ending.userAgent),
          })}
          confirmLabel={t('Sign out')}
          onClose={() => setEnding(null)}
          onConfirm={async () => {
            await endAnySession(ending.id);
            sessions.reload();
          }}
        >
          <p>{t('They must sign in again on that device.')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function SessionTable({
  sessions,
  showUser,
  onEnd,
}: {
  sessions: ReturnType<typeof useResource<SessionInfo[]>>;
  showUser: boolean;
  onEnd: (s: SessionInfo) => void;
}) {
  const t = useT();
  if (sessions.loading && !sessions.data) return <LoadingState label={t('Loading sessions…')} />;
  if (sessions.error) return <LoadError error={sessions.error} onRetry={sessions.reload} />;
  return (
    <div className="table-wrap">
      <table className="table" data-testid={showUser ? 'all-sessions' : 'my-sessions'}>
        <thead>
          <tr>
            {showUser && <th scope="col">{t('Member')}</th>}
            <th scope="col">{t('Device')}</th>
            <th scope="col">{t('Address')}</th>
            <th scope="col">{t('Signed in with')}</th>
            <th scope="col">{t('Last active')}</th>
            <th scope="col" className="cell-actions">
              <span className="visually-hidden">{t('Actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.data?.map((s) => (
            <tr key={s.id} data-testid="session-row" data-current={s.current || undefined}>
              {showUser && (
                <td data-label={t('Member')}>
                  <div className="cell-strong">{s.userName}</div>
                  <div className="cell-sub">{s.userEmail}</div>
                </td>
              )}
              <th scope="row" className="cell-strong">
                {describeDevice(s.userAgent)}
                {s.current && <span className="badge badge-active session-here">{t('This device')}</span>}
              </th>
              <td data-label={t('Address')}>{s.ip ?? <span className="muted">{t('Unknown')}</span>}</td>
              <td data-label={t('Signed in with')}>{describeMethod(s.method)}</td>
              <td data-label={t('Last active')}>
                <time
                  dateTime={s.lastSeenAt}
                  title={t('Signed in {when}', { when: formatDateTime(s.createdAt) })}
                >
                  {s.current ? t('Now') : formatRelative(s.lastSeenAt)}
                </time>
              </td>
              <td className="cell-actions">
                {!s.current && (
                  <button
                    type="button"
                    className="button button-small button-danger-quiet"
                    onClick={() => onEnd(s)}
                    aria-label={
                      showUser
                        ? t('Sign out {device} of {name}', {
                            device: describeDevice(s.userAgent),
                            name: s.userName,
                          })
                        : t('Sign out {device}', { device: describeDevice(s.userAgent) })
                    }
                  >
                    {t('Sign out')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
