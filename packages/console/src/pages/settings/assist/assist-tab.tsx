/** Settings › Assist: suggested replies and summaries for agents, with or without a model (off by default). */
import { MODEL_USES, type ModelUse } from '@beckon/protocol/assist-api';
import { type FormEvent, useId, useState } from 'react';
import { type AssistSettings, fetchAssist, saveAssist } from '../../../api/assist.ts';
import { errorMessage } from '../../../api/http.ts';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { ModelEndpointFields } from '../../../components/model-endpoint-fields.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { IntentsEditor, intentsOf, rowsOf } from './intents-editor.tsx';

export function AssistTab() {
  const t = useT();
  const saved = useResource(fetchAssist);
  return (
    <section className="card gen-card" aria-labelledby="assist-title" data-testid="assist-card">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="assist-title">
            {t('Agent assist')}
          </h3>
          <p className="card-subtitle">
            {t(
              'Agents get suggested replies from the knowledge base, canned responses and similar resolved chats, and summaries on transfer and close. A model you run yourself can write one more suggestion and the summaries.',
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
          <AssistForm saved={saved.data} onSaved={(next) => saved.update(() => next)} />
        ) : null}
      </div>
    </section>
  );
}

function AssistForm({ saved, onSaved }: { saved: AssistSettings; onSaved: (s: AssistSettings) => void }) {
  const t = useT();
  const [enabled, setEnabled] = useState(saved.enabled);
  const [baseUrl, setBaseUrl] = useState(saved.baseUrl);
  const [model, setModel] = useState(saved.model);
  const [apiKey, setApiKey] = useState('');
  const [removeKey, setRemoveKey] = useState(false);
  const [timeout, setTimeoutSeconds] = useState(String(saved.timeoutSeconds));
  const [intents, setIntents] = useState(() => rowsOf(saved.intents));
  const [uses, setUses] = useState<ModelUse[]>(saved.modelUses);
  const [provider, setProvider] = useState(saved.translation.provider);
  const [translatorUrl, setTranslatorUrl] = useState(saved.translation.baseUrl ?? '');
  const [translatorKey, setTranslatorKey] = useState('');
  const [removeTranslatorKey, setRemoveTranslatorKey] = useState(false);
  const hasTranslatorKey = saved.translation.hasApiKey === true;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (baseUrl.trim() && !/^https?:\/\/.+/.test(baseUrl.trim()))
      return setError(
        t('Enter the base URL of the server, such as {example}.', { example: 'http://127.0.0.1:11434/v1' }),
      );
    if (baseUrl.trim() && !model.trim()) return setError(t('Enter the model the server should use.'));
    if (provider === 'libretranslate' && !/^https?:\/\/.+/.test(translatorUrl.trim()))
      return setError(
        t('Enter the URL of the LibreTranslate server, such as {example}.', {
          example: 'http://127.0.0.1:5000',
        }),
      );
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const next = await saveAssist({
        enabled,
        baseUrl: baseUrl.trim(),
        model: model.trim(),
        timeoutSeconds: Math.min(60, Math.max(1, Number(timeout) || 8)),
        translation:
          provider === 'libretranslate'
            ? {
                provider,
                baseUrl: translatorUrl.trim(),
                ...(translatorKey.trim()
                  ? { apiKey: translatorKey.trim() }
                  : removeTranslatorKey
                    ? { apiKey: null }
                    : {}),
              }
            : { provider: 'model' },
        intents: intentsOf(intents),
        modelUses: MODEL_USES.filter((u) => uses.includes(u)),
        ...(apiKey.trim() ? { apiKey: apiKey.trim() } : removeKey ? { apiKey: null } : {}),
      });
      onSaved(next);
      setApiKey('');
      setRemoveKey(false);
      setTranslatorKey('');
      setRemoveTranslatorKey(false);
      setNotice(next.enabled ? t('Saved. Agents now get suggestions.') : t('Saved. Agent assist is off.'));
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
          <strong>{t('Turn on agent assist')}</strong>
          <span className="field-hint">
            {t('Leave the base URL empty to suggest by search only, without a model.')}
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
        <Field
          label={t('Give up after (seconds)')}
          hint={t('Then agents see the other suggestions and the reason.')}
        >
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
        <Field
          label={t('Live translation')}
          hint={t('Customers who write in another language than the agent are translated both ways.')}
        >
          {(props) => (
            <select
              {...props}
              className="input"
              value={provider}
              onChange={(e) => setProvider(e.target.value as typeof provider)}
              data-testid="assist-translation-provider"
            >
              <option value="model">{t('Through the model above')}</option>
              <option value="libretranslate">{t('Through a LibreTranslate server')}</option>
            </select>
          )}
        </Field>
        {provider === 'libretranslate' && (
          <Field
            label={t('LibreTranslate URL')}
            hint={t('Your own server, such as {example}.', { example: 'http://127.0.0.1:5000' })}
          >
            {(props) => (
              <input
                {...props}
                className="input"
                type="url"
                value={translatorUrl}
                onChange={(e) => setTranslatorUrl(e.target.value)}
                data-testid="assist-translation-url"
              />
            )}
          </Field>
        )}
        {provider === 'libretranslate' && (
          <Field
            label={t('LibreTranslate API key')}
            hint={
              hasTranslatorKey
                ? t('A key is stored, sealed. Type a new one to replace it.')
                : t('Only for a server started with API keys.')
            }
          >
            {(props) => (
              <input
                {...props}
                className="input mono"
                type="password"
                autoComplete="off"
                value={translatorKey}
                placeholder={hasTranslatorKey ? '••••••••••••' : ''}
                onChange={(e) => setTranslatorKey(e.target.value)}
                data-testid="assist-translation-key"
              />
            )}
          </Field>
        )}
      </div>
      {baseUrl.trim() && <ModelUses uses={uses} onChange={setUses} />}
      <IntentsEditor rows={intents} onChange={setIntents} />
      {saved.hasApiKey && (
        <label className="check security-check">
          <input type="checkbox" checked={removeKey} onChange={(e) => setRemoveKey(e.target.checked)} />
          <span className="security-check-text">
            <strong>{t('Remove the stored key')}</strong>
          </span>
        </label>
      )}
      {provider === 'libretranslate' && hasTranslatorKey && (
        <label className="check security-check">
          <input
            type="checkbox"
            checked={removeTranslatorKey}
            onChange={(e) => setRemoveTranslatorKey(e.target.checked)}
          />
          <span className="security-check-text">
            <strong>{t('Remove the stored LibreTranslate key')}</strong>
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

/** What the model may be sent text for; each use left out works as without a model. */
function ModelUses({ uses, onChange }: { uses: ModelUse[]; onChange: (uses: ModelUse[]) => void }) {
  const t = useT();
  const hintId = useId();
  const label: Record<ModelUse, string> = {
    suggestions: t('Suggested replies'),
    summaries: t('Summaries'),
    translation: t('Live translation'),
    intent: t('Intent and sentiment'),
  };
  return (
    <fieldset className="fieldset" aria-describedby={hintId} data-testid="assist-model-uses">
      <legend className="field-label">{t('What the model may be sent')}</legend>
      <div className="check-grid">
        {MODEL_USES.map((use) => (
          <label key={use} className="check">
            <input
              type="checkbox"
              name="model-use"
              value={use}
              checked={uses.includes(use)}
              onChange={(e) => onChange(e.target.checked ? [...uses, use] : uses.filter((u) => u !== use))}
            />
            <span>{label[use]}</span>
          </label>
        ))}
      </div>
      <p className="field-hint" id={hintId}>
        {t(
          'The conversation’s lines, masked, go to the model only for what is ticked. The rest works without it: search suggestions, key lines, the LibreTranslate server, example phrases.',
        )}
      </p>
    </fieldset>
  );
}
