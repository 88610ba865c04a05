/** The "Test connection" button: asks the provider about the stored credentials and says what it answered. */
import { useState } from 'react';
import { type ChannelConnectionTest, testConnection } from '../../../api/channels.ts';
import { errorMessage } from '../../../api/http.ts';
import { CheckIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';

export function TestConnection({
  id,
  label,
  onTested,
}: {
  id: string;
  /** Names the connection for screen readers when several buttons share a page. */
  label?: string;
  onTested?: (result: ChannelConnectionTest) => void;
}) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ChannelConnectionTest | null>(null);

  async function run() {
    setBusy(true);
    try {
      const r = await testConnection(id);
      setResult(r);
      onTested?.(r);
    } catch (caught) {
      setResult({ ok: false, reason: errorMessage(caught) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="connection-test">
      <button
        type="button"
        className="button button-small"
        onClick={run}
        disabled={busy}
        aria-label={label ? t('Test connection of {name}', { name: label }) : undefined}
      >
        {busy ? t('Testing…') : t('Test connection')}
      </button>
      <span role="status" className="connection-test-result" data-testid="connection-test-result">
        {result?.ok ? (
          <span className="connection-test-ok">
            <CheckIcon className="icon icon-success" /> {t('Connected as')} <strong>{result.identity}</strong>
          </span>
        ) : result ? (
          <span className="field-error">{t('Not working: {reason}', { reason: result.reason })}</span>
        ) : null}
      </span>
    </div>
  );
}
