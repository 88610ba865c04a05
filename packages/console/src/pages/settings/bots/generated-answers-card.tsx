/** Settings › Knowledge: turn on generated answers from an OpenAI-compatible server (off by default). */
import { type FormEvent, useState } from 'react';
import { type AnswerGeneration, fetchAnswerGeneration, saveAnswerGeneration } from '../../../api/bots.ts';
import { errorMessage } from '../../../api/http.ts';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { ModelEndpointFields } from '../../../components/model-endpoint-fields.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';

export function GeneratedAnswersCard() {
  const t = useT();
  const saved = useResource(fetchAnswerGeneration);
  return (
    <section className="card gen-card" aria-labelledby="gen-title" data-testid="generation-card">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="gen-title">
            {t('Generated answers')}
          </h3>
          <p className="card-subtitle">
            {t(
              'The answer bot writes its reply with a language model, from the top three articles, and cites them. Any OpenAI-compatible server works: OpenAI, or your own llama.cpp or Ollama.',
            )}
          </p>
        </div>
        {saved.data && (
          <span className={`badge ${saved.data.enabled ? 'badge-active' : 'badge-paused'}`}>
            {saved.data.enabled ? t('On') : t('Off')}
          </span>
        )}
      </header>
      <div className="card-body">
        {saved.loading && !saved.data ? (
          <LoadingState label={t('Loading…')} />
        ) : saved.error ? (
          <LoadError error={saved.error} onRetry={saved.reload} />
        ) : saved.data ? (
          <GenerationForm saved={saved.data} onSaved={(next) => saved.update(() => next)} />
        ) : null}
      </div>
    </section>
  );
}

function GenerationForm({
  saved,
  onSaved,
}: {
  saved: AnswerGeneration;
  onSaved: (s: AnswerGeneration) => void;
}) {
  const t = useT();
  const [enabled, setEnabled] = useState(saved.enabled);
  const [baseUrl, setBaseUrl] = useState(saved.baseUrl);
  const [model, setModel] = useState(saved.model);
  const [apiKey, setApiKey] = useState('');
  const [removeKey, setRemoveKey] = useState(false);
  const [timeout, setTimeoutSeconds] = useState(String(saved.timeoutSeconds));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (enabled && !/^https?:\/\/.+/.test(baseUrl.trim()))
      return setError(
        t('Enter the base URL of the server, such as {example}.', { example: 'http://127.0.0.1:11434/v1' }),
      );
    if (enabled && !model.trim()) return setError(t('Enter the model the server should use.'));
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const next = await saveAnswerGeneration({
        enabled,
        baseUrl: baseUrl.trim(),
        model: model.trim(),
        timeoutSeconds: Math.min(60, Math.max(1, Number(timeout) || 8)),
        ...(apiKey.trim() ? { apiKey: apiKey.trim() } : removeKey ? { apiKey: null } : {}),
      });
      onSaved(next);
      setApiKey('');
      setRemoveKey(false);
      setNotice(
        next.enabled
          ? t('Saved. The answer bot now writes its answers.')
          : t('Saved. Generated answers are off.'),
      );
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <label className="check security-check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <span className="security-check-text">
          <strong>{t('Write answers with a language model')}</strong>
          <span className="field-hint">
            {t('When the server fails, is slow or finds no answer, the bot shows the article as before.')}
          </span>
        </span>
      </label>
      <div className="gen-grid">
        <ModelEndpointFields
          baseUrl={baseUrl}
          onBaseUrl={setBaseUrl}
          model={model}
          onModel={setModel}
          apiKey={apiKey}
          onApiKey={setApiKey}
          hasApiKey={saved.hasApiKey}
        />
        <Field label={t('Give up after (seconds)')} hint={t('Then the article answers instead.')}>
          {(props) => (
            <input
              {...props}
              className="input"
              inputMode="numeric"
              value={timeout}
              onChange={(e) => setTimeoutSeconds(e.target.value)}
            />
          )}
        </Field>
      </div>
      {saved.hasApiKey && (
        <label className="check security-check">
          <input type="checkbox" checked={removeKey} onChange={(e) => setRemoveKey(e.target.checked)} />
          <span className="security-check-text">
            <strong>{t('Remove the stored key')}</strong>
          </span>
        </label>
      )}
      <FormError message={error} />
      {notice && (
        <div className="alert alert-success" role="status">
          {notice}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('Saving…') : t('Save')}
        </button>
      </div>
    </form>
  );
}
