/** Where a mail provider forwards inbound mail, and the HTTP Basic credentials it signs in with. */
import { useState } from 'react';
import type { EmailSettings } from '../../../api/channels.ts';
import { CopyButton } from '../../../components/copy-button.tsx';
import { useT } from '../../../i18n/language-context.tsx';

export function InboundWebhook({ inbound }: { inbound: EmailSettings['inbound'] }) {
  const t = useT();
  const [shown, setShown] = useState(false);
  return (
    <section
      className="snippet channel-snippet"
      aria-labelledby="inbound-heading"
      data-testid="inbound-webhook"
    >
      <div>
        <h3 className="snippet-title" id="inbound-heading">
          {t('Provider inbound-parse webhook')}
        </h3>
        <p className="snippet-hint">
          {t(
            'If your mail provider receives the mail, have it forward each message here, signed in with HTTP Basic: the user and the secret below.',
          )}
        </p>
      </div>
      <div className="secret">
        <span className="secret-label">{t('URL')}</span>
        <code className="secret-value" data-testid="inbound-url">
          {inbound.url}
        </code>
        <CopyButton text={inbound.url} label={t('Copy URL')} />
      </div>
      <div className="secret">
        <span className="secret-label">{t('User')}</span>
        <code className="secret-value">{inbound.user}</code>
        <CopyButton text={inbound.user} label={t('Copy user')} />
      </div>
      <div className="secret">
        <span className="secret-label">{t('Secret')}</span>
        <code className="secret-value" data-testid="inbound-secret">
          {shown ? inbound.secret : '•'.repeat(24)}
        </code>
        <button
          type="button"
          className="button button-small"
          aria-pressed={shown}
          onClick={() => setShown((s) => !s)}
        >
          {shown ? t('Hide') : t('Show')}
        </button>
        <CopyButton text={inbound.secret} label={t('Copy secret')} />
      </div>
    </section>
  );
}
