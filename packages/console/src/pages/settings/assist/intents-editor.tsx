/** Settings › Assist: the intents conversations are classified into, each with its example phrases. */
import type { IntentDef } from '@beckon/protocol/intent-api';
import { useT } from '../../../i18n/language-context.tsx';
import './intents.css';

/** The phrases as typed (comma-separated) into the list the server keeps. */
export const phrasesOf = (text: string) =>
  text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

/** An intent as edited: its phrases kept as typed until saved. */
export interface IntentRow {
  name: string;
  examples: string;
}

export const rowsOf = (intents: readonly IntentDef[]): IntentRow[] =>
  intents.map((i) => ({ name: i.name, examples: i.examples.join(', ') }));

export const intentsOf = (rows: readonly IntentRow[]): IntentDef[] =>
  rows.filter((r) => r.name.trim()).map((r) => ({ name: r.name.trim(), examples: phrasesOf(r.examples) }));

export function IntentsEditor({
  rows,
  onChange,
}: {
  rows: IntentRow[];
  onChange: (rows: IntentRow[]) => void;
}) {
  const t = useT();
  const set = (i: number, patch: Partial<IntentRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="intents-editor" data-testid="intents-editor">
      <legend className="field-label">{t('Intents')}</legend>
      <p className="field-hint">
        {t(
          'Each conversation gets one of these and a sentiment. Without a model, the example phrases decide (separated by commas).',
        )}
      </p>
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id until saved
        <div className="intents-row" key={i}>
          <input
            className="input"
            aria-label={t('Intent')}
            placeholder={t('such as return')}
            maxLength={60}
            value={r.name}
            onChange={(e) => set(i, { name: e.target.value })}
          />
          <input
            className="input"
            aria-label={t('Example phrases of {name}', { name: r.name || t('Intent') })}
            placeholder={t('send it back, refund, devolver')}
            value={r.examples}
            onChange={(e) => set(i, { examples: e.target.value })}
          />
          <button
            type="button"
            className="button button-small button-danger-quiet"
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            {t('Remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-small"
        onClick={() => onChange([...rows, { name: '', examples: '' }])}
      >
        {t('Add intent')}
      </button>
    </fieldset>
  );
}
