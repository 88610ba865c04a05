/** Settings › Security › Single sign-on (owners): the account's OpenID Connect provider. */
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import {
  fetchSso,
  removeSso,
  type SsoSettings,
  type SsoState,
  saveSso,
  testSso,
} from '../../../api/security.ts';
import type { Role } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { CopyButton } from '../../../components/copy-button.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';

const ROLES: Role[] = ['owner', 'admin', 'agent', 'analyst'];
type Translate = ReturnType<typeof useT>;

/** A role's name, as the team page writes it. */
function roleLabel(t: Translate, role: Role): string {
  switch (role) {
    case 'owner':
      return t('Owner');
    case 'admin':
      return t('Admin');
    case 'agent':
      return t('Agent');
    case 'analyst':
      return t('Analyst');
  }
}

/** The choice for people in no mapped group: the role they get. */
function makeThem(t: Translate, role: Role): string {
  switch (role) {
    case 'admin':
      return t('Make them admins');
    case 'agent':
      return t('Make them agents');
    case 'analyst':
      return t('Make them analysts');
    default:
      return t('Make them owners');
  }
}

interface Draft {
  issuer: string;
  clientId: string;
  clientSecret: string;
  domains: string;
  groupsClaim: string;
  roles: Array<{ group: string; role: Role }>;
  defaultRole: Role | '';
  jit: boolean;
  enabled: boolean;
}

const draftOf = (s: SsoSettings | null): Draft => ({
  issuer: s?.issuer ?? '',
  clientId: s?.clientId ?? '',
  clientSecret: '',
  domains: s?.domains.join(', ') ?? '',
  groupsClaim: s?.groupsClaim ?? 'groups',
  roles: Object.entries(s?.roleMap ?? {}).map(([group, role]) => ({ group, role })),
  defaultRole: s?.defaultRole ?? '',
  jit: s?.jit ?? false,
  enabled: s?.enabled ?? true,
});

export function SsoCard() {
  const t = useT();
  const sso = useResource(fetchSso);
  return (
    <section className="card" aria-labelledby="sso-title" data-testid="sso-card">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="sso-title">
            {t('Single sign-on')}
          </h3>
          <p className="card-subtitle">
            {t(
              "Your team signs in with your company's OpenID Connect provider (Okta, Microsoft Entra ID, Google, Keycloak…). Their groups decide their role.",
            )}
          </p>
        </div>
        {sso.data !== undefined && (
          <span
            className={`badge ${sso.data.configured && sso.data.enabled ? 'badge-active' : 'badge-paused'}`}
          >
            {sso.data.configured ? (sso.data.enabled ? t('On') : t('Paused')) : t('Not set up')}
          </span>
        )}
      </header>
      <div className="card-body">
        {sso.loading && sso.data === undefined ? (
          <LoadingState label={t('Loading…')} />
        ) : sso.error ? (
          <LoadError error={sso.error} onRetry={sso.reload} />
        ) : (
          sso.data && (
            <SsoForm
              saved={sso.data.configured ? sso.data : null}
              redirectUri={sso.data.redirectUri}
              onSaved={(next) => sso.update(() => next)}
              onRemoved={sso.reload}
            />
          )
        )}
      </div>
    </section>
  );
}

function SsoForm({
  saved,
  redirectUri,
  onSaved,
  onRemoved,
}: {
  saved: SsoSettings | null;
  redirectUri: string;
  onSaved: (s: SsoState) => void;
  onRemoved: () => void;
}) {
  const t = useT();
  const [draft, setDraft] = useState<Draft>(() => draftOf(saved));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const next = await saveSso({
        issuer: draft.issuer.trim(),
        clientId: draft.clientId.trim(),
        ...(draft.clientSecret ? { clientSecret: draft.clientSecret } : {}),
        domains: draft.domains
          .split(/[\s,]+/)
          .map((d) => d.trim())
          .filter(Boolean),
        groupsClaim: draft.groupsClaim.trim() || 'groups',
        roleMap: Object.fromEntries(
          draft.roles.filter((r) => r.group.trim()).map((r) => [r.group.trim(), r.role]),
        ),
        defaultRole: draft.defaultRole || null,
        jit: draft.jit,
        enabled: draft.enabled,
      });
      onSaved(next);
      setDraft(draftOf(next));
      setNotice(t('Saved. Use "Test the provider" to check that Beckon reaches it.'));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  async function probe() {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const found = await testSso();
      setNotice(
        t('The provider answers: {issuer}, signing in at {endpoint}.', {
          issuer: found.issuer,
          endpoint: found.authorizationEndpoint,
        }),
      );
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form sso-form" onSubmit={submit}>
      <div className="sso-callback">
        <span className="field-hint">{t('Give your provider this redirect URI:')}</span>
        <code data-testid="sso-redirect-uri">{redirectUri}</code>
        <CopyButton text={redirectUri} label={t('Copy')} />
      </div>
      <div className="sso-grid">
        <Field
          label={t('Issuer URL')}
          hint={t('Its discovery document is read from {path}.', {
            path: '/.well-known/openid-configuration',
          })}
        >
          {(props) => (
            <input
              {...props}
              className="input"
              type="url"
              required
              placeholder="https://login.example.com"
              value={draft.issuer}
              onChange={(e) => set('issuer', e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('E-mail domains')}
          hint={t('People of these domains sign in here. Separate them with commas.')}
        >
          {(props) => (
            <input
              {...props}
              className="input"
              required
              placeholder="example.com"
              value={draft.domains}
              onChange={(e) => set('domains', e.target.value)}
            />
          )}
        </Field>
        <Field label={t('Client ID')}>
          {(props) => (
            <input
              {...props}
              className="input"
              required
              value={draft.clientId}
              onChange={(e) => set('clientId', e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('Client secret')}
          hint={saved?.clientSecretSet ? t('Leave empty to keep the saved one.') : undefined}
        >
          {(props) => (
            <input
              {...props}
              className="input"
              type="password"
              autoComplete="off"
              required={!saved?.clientSecretSet}
              placeholder={saved?.clientSecretSet ? `•••••••• ${t('saved')}` : ''}
              value={draft.clientSecret}
              onChange={(e) => set('clientSecret', e.target.value)}
            />
          )}
        </Field>
      </div>

      <fieldset className="sso-roles">
        <legend>{t("Roles from the provider's groups")}</legend>
        <p className="field-hint">
          {t(
            'A person in several groups gets the strongest role. Their role follows the groups at each sign-in.',
          )}
        </p>
        {draft.roles.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; they are edited in place
          <div className="sso-role-row" key={i}>
            <input
              className="input"
              aria-label={t('Group {number}', { number: i + 1 })}
              placeholder={t('Group name')}
              value={row.group}
              onChange={(e) =>
                set(
                  'roles',
                  draft.roles.map((r, j) => (j === i ? { ...r, group: e.target.value } : r)),
                )
              }
            />
            <span aria-hidden="true">→</span>
            <select
              className="input"
              aria-label={t('Role for group {number}', { number: i + 1 })}
              value={row.role}
              onChange={(e) =>
                set(
                  'roles',
                  draft.roles.map((r, j) => (j === i ? { ...r, role: e.target.value as Role } : r)),
                )
              }
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(t, r)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button button-small button-danger-quiet"
              onClick={() =>
                set(
                  'roles',
                  draft.roles.filter((_, j) => j !== i),
                )
              }
              aria-label={t('Remove group {number}', { number: i + 1 })}
            >
              {t('Remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button-small sso-add-group"
          onClick={() => set('roles', [...draft.roles, { group: '', role: 'agent' }])}
        >
          {t('Add a group')}
        </button>
        <div className="sso-grid">
          <Field label={t('Groups claim')} hint={t('The ID token claim that lists the groups.')}>
            {(props) => (
              <input
                {...props}
                className="input"
                value={draft.groupsClaim}
                onChange={(e) => set('groupsClaim', e.target.value)}
              />
            )}
          </Field>
          <Field label={t('New people in no mapped group')}>
            {(props) => (
              <select
                {...props}
                className="input"
                value={draft.defaultRole}
                onChange={(e) => set('defaultRole', e.target.value as Role | '')}
              >
                <option value="">{t('Refuse them')}</option>
                {ROLES.filter((r) => r !== 'owner').map((r) => (
                  <option key={r} value={r}>
                    {makeThem(t, r)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </fieldset>

      <label className="check security-check">
        <input type="checkbox" checked={draft.jit} onChange={(e) => set('jit', e.target.checked)} />
        <span className="security-check-text">
          <strong>{t('Create people at their first sign-in')}</strong>
          <span className="field-hint">
            {t('Otherwise an owner or admin adds each one in Settings › Team first.')}
          </span>
        </span>
      </label>
      <label className="check security-check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        <span className="security-check-text">
          <strong>{t('Single sign-on is on')}</strong>
          <span className="field-hint">{t('Passwords keep working for everyone either way.')}</span>
        </span>
      </label>

      <FormError message={error} />
      {notice && (
        <div className="alert alert-success" role="status">
          {notice}
        </div>
      )}
      <div className="form-actions sso-actions">
        {saved && (
          <button
            type="button"
            className="button button-danger-quiet"
            onClick={() => setRemoving(true)}
            disabled={busy}
          >
            {t('Remove')}
          </button>
        )}
        {saved && (
          <button type="button" className="button" onClick={probe} disabled={busy}>
            {t('Test the provider')}
          </button>
        )}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('Saving…') : saved ? t('Save changes') : t('Set up single sign-on')}
        </button>
      </div>
      {removing && (
        <ConfirmDialog
          title={t('Remove single sign-on?')}
          confirmLabel={t('Remove')}
          onClose={() => setRemoving(false)}
          onConfirm={async () => {
            await removeSso();
            onSaved({ configured: false, redirectUri });
            setDraft(draftOf(null));
            onRemoved();
          }}
        >
          <p>
            {t(
              'People sign in with their Beckon password again. Those created by single sign-on must reset theirs.',
            )}
          </p>
        </ConfirmDialog>
      )}
    </form>
  );
}
