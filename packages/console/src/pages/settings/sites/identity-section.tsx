/**
 * Identity verification for a site: the secret the site's server keys userHash with, and the
 * snippets that compute it. Shown on request (it is a secret), to owners and admins only.
 */
import { useState } from 'react';
import { getIdentity, type IdentitySettings, rotateIdentity } from '../../../api/contacts.ts';
import { errorMessage } from '../../../api/http.ts';
import { CopyButton } from '../../../components/copy-button.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import './identity-section.css';

const LANGUAGES = [
  ['node', 'Node'],
  ['php', 'PHP'],
  ['python', 'Python'],
  ['ruby', 'Ruby'],
] as const;

export function IdentitySection({ siteId, siteName }: { siteId: string; siteName: string }) {
  const t = useT();
  const [identity, setIdentity] = useState<IdentitySettings | null>(null);
  const [lang, setLang] = useState<(typeof LANGUAGES)[number][0]>('node');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = (call: () => Promise<IdentitySettings>) => {
    setBusy(true);
    setError(null);
    call().then(
      (r) => {
        setIdentity(r);
        setBusy(false);
      },
      (e: unknown) => {
        setError(errorMessage(e));
        setBusy(false);
      },
    );
  };

  const identifyCall =
    "beckon('identify', { userId: '42', email: 'ana@example.com', name: 'Ana' }, { userHash: '<from your server>' });";

  return (
    <section
      className="snippet"
      aria-label={t('Identity verification for {name}', { name: siteName })}
      data-testid="site-identity"
    >
      <div className="snippet-header">
        <div>
          <h4 className="snippet-title">{t('Identity verification')}</h4>
          <p className="snippet-hint">
            {t(
              "Your server signs each signed-in user's id with this secret; only then does Beckon treat them as that user and show them their conversations.",
            )}
          </p>
        </div>
        {!identity ? (
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            onClick={() => run(() => getIdentity(siteId))}
          >
            {busy ? t('Loading…') : t('Show secret')}
          </button>
        ) : (
          <button
            type="button"
            className="button button-small button-danger-quiet"
            disabled={busy}
            onClick={() => {
              if (
                window.confirm(
                  t('Replace the secret? Hashes made with the current one stop working at once.'),
                )
              )
                run(() => rotateIdentity(siteId));
            }}
          >
            {t('Rotate secret')}
          </button>
        )}
      </div>
      {error && <p className="field-error">{error}</p>}
      {identity && (
        <>
          <p className="snippet-hint">
            {t('Secret')}{' '}
            <code className="key-pill" data-testid="identity-secret">
              {identity.secret}
            </code>{' '}
            <CopyButton text={identity.secret} label={t('Copy secret')} />
          </p>
          <div className="tabs identity-tabs" role="tablist" aria-label={t('Server language')}>
            {LANGUAGES.map(([key, label]) => (
              <button
                key={key}
                type="button"
                role="tab"
                aria-selected={lang === key}
                className={lang === key ? 'tab tab-current' : 'tab'}
                onClick={() => setLang(key)}
              >
                {label}
              </button>
            ))}
          </div>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the code block scrolls sideways, so it must be reachable by keyboard. */}
          <pre className="code-block" tabIndex={0} data-testid="identity-snippet">
            <code>{identity.snippets[lang]}</code>
          </pre>
          <p className="snippet-hint">{t('Then, on the page, with the hash your server made:')}</p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the code block scrolls sideways, so it must be reachable by keyboard. */}
          <pre className="code-block" tabIndex={0}>
            <code>{identifyCall}</code>
          </pre>
        </>
      )}
    </section>
  );
}
