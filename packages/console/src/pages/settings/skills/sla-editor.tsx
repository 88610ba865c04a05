/** A skill's service levels: first-response and resolution targets per priority band, in minutes. */
import { SLA_BANDS } from '@beckon/core/sla/sla-clock';
import type { SlaPriority } from '@beckon/protocol/sla-api';
import type { SlaTargets } from '../../../api/types.ts';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import './sla-editor.css';

/** The editor's text per band: minutes as typed, empty for no target. */
export type SlaDraft = Record<SlaPriority, { first: string; resolution: string }>;

/** A priority band's name in the user's language. */
function bandLabel(p: SlaPriority): string {
  switch (p) {
    case 'low':
      return t('Low');
    case 'normal':
      return t('Normal');
    case 'high':
      return t('High');
    case 'urgent':
      return t('Urgent');
  }
}

/** Which priorities a band holds. */
function bandHint(p: SlaPriority): string {
  switch (p) {
    case 'low':
      return t('priority below 0');
    case 'normal':
      return t('priority 0');
    case 'high':
      return t('priority 1–9');
    case 'urgent':
      return t('priority 10 and up');
  }
}

const minutes = (s: number | null | undefined) => (s ? String(Math.round(s / 60)) : '');

/** The draft of stored targets. */
export function slaDraft(stored: SlaTargets | null | undefined): SlaDraft {
  const out = {} as SlaDraft;
  for (const p of SLA_BANDS)
    out[p] = {
      first: minutes(stored?.[p]?.firstResponseSeconds),
      resolution: minutes(stored?.[p]?.resolutionSeconds),
    };
  return out;
}

/** The targets of a draft, or an error naming the first bad field. */
export function slaOf(d: SlaDraft): { targets: SlaTargets | null } | { error: string } {
  const targets: SlaTargets = {};
  const read = (text: string, what: string): number | null | string => {
    if (text.trim() === '') return null;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 129_600)
      return t('{field}: enter whole minutes from 1 to 129600, or leave it empty.', { field: what });
    return n * 60;
  };
  for (const p of SLA_BANDS) {
    const first = read(d[p].first, t('{band} first response', { band: bandLabel(p) }));
    if (typeof first === 'string') return { error: first };
    const resolution = read(d[p].resolution, t('{band} resolution', { band: bandLabel(p) }));
    if (typeof resolution === 'string') return { error: resolution };
    if (first !== null || resolution !== null)
      targets[p] = { firstResponseSeconds: first, resolutionSeconds: resolution };
  }
  return { targets: Object.keys(targets).length ? targets : null };
}

export function SlaEditor({
  value,
  onChange,
  error,
}: {
  value: SlaDraft;
  onChange: (d: SlaDraft) => void;
  error: string | null;
}) {
  const t = useT();
  const set = (p: SlaPriority, key: 'first' | 'resolution', text: string) =>
    onChange({ ...value, [p]: { ...value[p], [key]: text } });
  return (
    <fieldset className="sla-editor" data-testid="sla-editor">
      <legend className="field-label">{t('Service levels')}</legend>
      <p className="field-hint">
        {t(
          'Minutes allowed for the first reply and for resolving, per priority. They count business hours when the skill has them. Leave a field empty for no target.',
        )}
      </p>
      <table className="sla-table">
        <thead>
          <tr>
            <th scope="col">{t('Priority')}</th>
            <th scope="col">{t('First response (min)')}</th>
            <th scope="col">{t('Resolution (min)')}</th>
          </tr>
        </thead>
        <tbody>
          {SLA_BANDS.map((p) => (
            <tr key={p}>
              <th scope="row">
                <span className="sla-band">{bandLabel(p)}</span>
                <span className="sla-band-hint">{bandHint(p)}</span>
              </th>
              <td>
                <input
                  className="input sla-input"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  aria-label={t('{band} first response, minutes', { band: bandLabel(p) })}
                  name={`sla-${p}-first`}
                  value={value[p].first}
                  onChange={(e) => set(p, 'first', e.target.value)}
                />
              </td>
              <td>
                <input
                  className="input sla-input"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  aria-label={t('{band} resolution, minutes', { band: bandLabel(p) })}
                  name={`sla-${p}-resolution`}
                  value={value[p].resolution}
                  onChange={(e) => set(p, 'resolution', e.target.value)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

const span = (seconds: number) => {
  const min = Math.round(seconds / 60);
  if (min < 60 || min % 60) return t('{count} min', { count: String(min) });
  return min % 1440
    ? t('{count} h', { count: String(min / 60) })
    : t('{count} d', { count: String(min / 1440) });
};

/** "SLA: normal reply 15 min, resolve 1 h", for the skills table; null without targets. */
export function slaSummary(stored: SlaTargets | null | undefined): string | null {
  if (!stored) return null;
  const parts = SLA_BANDS.flatMap((p) => {
    const x = stored[p];
    if (!x) return [];
    const clocks = [
      x.firstResponseSeconds ? t('reply {time}', { time: span(x.firstResponseSeconds) }) : null,
      x.resolutionSeconds ? t('resolve {time}', { time: span(x.resolutionSeconds) }) : null,
    ].filter(Boolean);
    return clocks.length ? [`${bandLabel(p).toLowerCase()} ${clocks.join(', ')}`] : [];
  });
  return parts.length ? t('SLA: {targets}', { targets: parts.join('; ') }) : null;
}
