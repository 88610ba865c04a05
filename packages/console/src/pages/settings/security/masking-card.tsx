/** Settings › Security › Masking (owners and admins): what is masked in messages before they are stored. */
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { fetchMasking, type MaskingSettings, type MaskPattern, saveMasking } from '../../../api/masking.ts';
import { FormError } from '../../../components/form-error.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';

export function MaskingCard() {
  const t = useT();
  const masking = useResource(fetchMasking);
  return (
    <section className="card" aria-labelledby="masking-title" data-testid="masking-card">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="masking-title">
            {t('Masking')}
          </h3>
          <p className="card-subtitle">
            {t(
              'Card numbers and other sensitive data are masked in every message, on every channel, before it is stored. Agents, webhooks and bots see only the masked text.',
            )}
          </p>
        </div>
      </header>
      <div className="card-body">
        {masking.loading && masking.data === undefined ? (
          <LoadingState label={t('Loading…')} />
        ) : masking.error || !masking.data ? (
          <LoadError error={masking.error} onRetry={masking.reload} />
        ) : (
          <MaskingForm saved={masking.data} onSaved={(next) => masking.update(() => next)} />
        )}
      </div>
    </section>
  );
}

function MaskingForm({ saved, onSaved }: { saved: MaskingSettings; onSaved: (s: MaskingSettings) => void }) {
  const t = useT();
  const [draft, setDraft] = useState<MaskingSettings>(saved);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const setPattern = (i: number, change: Partial<MaskPattern>) =>
    setDraft((d) => ({ ...d, patterns: d.patterns.map((p, j) => (j === i ? { ...p, ...change } : p)) }));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const next = await saveMasking(draft);
      onSaved(next);
      setDraft(next);
      setNotice(t('Saved. Messages stored from now on are masked this way.'));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form masking-form" onSubmit={submit}>
      <label className="check security-check">
        <input
          type="checkbox"
          checked={draft.cards}
          onChange={(e) => setDraft((d) => ({ ...d, cards: e.target.checked }))}
        />
        <span className="security-check-text">
          <strong>{t('Mask card numbers')}</strong>
          <span className="field-hint">
            {t('13 to 19 digits that pass the card check keep their last four: •••• 4242.')}
          </span>
        </span>
      </label>
      <label className="check security-check">
        <input
          type="checkbox"
          checked={draft.ibans}
          onChange={(e) => setDraft((d) => ({ ...d, ibans: e.target.checked }))}
        />
        <span className="security-check-text">
          <strong>{t('Mask IBANs')}</strong>
          <span className="field-hint">
            {t('Bank account numbers that pass the IBAN check keep their last four.')}
          </span>
        </span>
      </label>

      <fieldset className="sso-roles">
        <legend>{t('Patterns of your own')}</legend>
        <p className="field-hint">
          {t(
            'A regular expression and the text put in place of each match. Backreferences and lookarounds are not allowed, so every pattern runs in linear time.',
          )}
        </p>
        {draft.patterns.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; they are edited in place
          <div className="masking-row" key={i}>
            <input
              className="input"
              aria-label={t('Name of pattern {number}', { number: i + 1 })}
              placeholder={t('Customer number')}
              required
              value={p.name}
              onChange={(e) => setPattern(i, { name: e.target.value })}
            />
            <input
              className="input input-mono"
              aria-label={t('Pattern {number}', { number: i + 1 })}
              placeholder="CUST-\d{6}"
              required
              value={p.pattern}
              onChange={(e) => setPattern(i, { pattern: e.target.value })}
            />
            <input
              className="input"
              aria-label={t('Replacement for pattern {number}', { number: i + 1 })}
              placeholder="••••"
              value={p.replacement}
              onChange={(e) => setPattern(i, { replacement: e.target.value })}
            />
            <label className="check">
              <input
                type="checkbox"
                checked={p.flags === 'i'}
                onChange={(e) => setPattern(i, { flags: e.target.checked ? 'i' : '' })}
              />
              <span>{t('Any case')}</span>
            </label>
            <button
              type="button"
              className="button button-small button-danger-quiet"
              onClick={() => setDraft((d) => ({ ...d, patterns: d.patterns.filter((_, j) => j !== i) }))}
              aria-label={t('Remove pattern {number}', { number: i + 1 })}
            >
              {t('Remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button-small sso-add-group"
          onClick={() =>
            setDraft((d) => ({
              ...d,
              patterns: [...d.patterns, { name: '', pattern: '', flags: '', replacement: '••••' }],
            }))
          }
        >
          {t('Add a pattern')}
        </button>
      </fieldset>

      <FormError message={error} />
      {notice && (
        <div className="alert alert-success" role="status">
          {notice}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('Saving…') : t('Save changes')}
        </button>
      </div>
    </form>
  );
}
