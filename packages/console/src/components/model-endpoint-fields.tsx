import { useT } from '../i18n/language-context.tsx';
import { Field } from './field.tsx';

/** An OpenAI-compatible server's base URL, model and write-only API key, as the settings forms edit them. */
export function ModelEndpointFields(props: {
  baseUrl: string;
  onBaseUrl: (value: string) => void;
  model: string;
  onModel: (value: string) => void;
  apiKey: string;
  onApiKey: (value: string) => void;
  /** A key is stored (sealed; never read back). */
  hasApiKey: boolean;
}) {
  const t = useT();
  return (
    <>
      <Field
        label={t('Base URL')}
        hint="Ollama: http://127.0.0.1:11434/v1 · llama.cpp: http://127.0.0.1:8080/v1"
      >
        {(field) => (
          <input
            {...field}
            className="input mono"
            value={props.baseUrl}
            placeholder="https://api.openai.com/v1"
            onChange={(e) => props.onBaseUrl(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('Model')}>
        {(field) => (
          <input
            {...field}
            className="input mono"
            value={props.model}
            placeholder="llama3.2"
            onChange={(e) => props.onModel(e.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('API key')}
        hint={
          props.hasApiKey
            ? t('A key is stored, sealed. Type a new one to replace it.')
            : t('Leave empty for a local server.')
        }
      >
        {(field) => (
          <input
            {...field}
            className="input mono"
            type="password"
            autoComplete="off"
            value={props.apiKey}
            placeholder={props.hasApiKey ? '••••••••••••' : 'sk-…'}
            onChange={(e) => props.onApiKey(e.target.value)}
          />
        )}
      </Field>
    </>
  );
}
