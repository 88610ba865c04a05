/** A skill's service levels: first-response and resolution targets per priority band, in minutes. */
import { SLA_BANDS } from '@beckon/core/sla/sla-clock';
import type { SlaPriority } from '@beckon/protocol/sla-api';
import type { SlaTargets } from '../../../api/types.ts';
import './sla-editor.css';

/** The editor's text per band: minutes as typed, empty for no target. */
export type SlaDraft = Record<SlaPriority, { first: string; resolution: string }>;

const LABELS: Record<SlaPriority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};
const HINTS: Record<SlaPriority, string> = {
  low: 'priority below 0',
  normal: 'priority 0',
  high: 'priority 1–9',
  urgent: 'priority 10 and up',
};

const minutes = (s: number | null | undefined) => (s ? String(Math.round(s / 60)) : '');

/** The draft of stored targets. */
export function slaDraft(t: SlaTargets | null | undefined): SlaDraft {
  const out = {} as SlaDraft;
  for (const p of SLA_BANDS)
    out[p] = { first: minutes(t?.[p]?.firstResponseSeconds), resolution: minutes(t?.[p]?.resolutionSeconds) };
  return out;
}

/** The targets of a draft, or an error naming the first bad field. */
export function slaOf(d: SlaDraft): { targets: SlaTargets | null } | { error: string } {
  const targets: SlaTargets = {};
  const read = (text: string, what: string): number | null | string => {
    if (text.trim() === '') return null;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 129_600)
      return `${what}: enter whole minutes from 1 to 129600, or leave it empty.`;
    return n * 60;
  };
  for (const p of SLA_BANDS) {
    const first = read(d[p].first, `${LABELS[p]} first response`);
    if (typeof first === 'string') return { error: first };
    const resolution = read(d[p].resolution, `${LABELS[p]} resolution`);
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
  const set = (p: SlaPriority, key: 'first' | 'resolution', text: string) =>
    onChange({ ...value, [p]: { ...value[p], [key]: text } });
  return (
    <fieldset className="sla-editor" data-testid="sla-editor">
      <legend className="field-label">Service levels</legend>
      <p className="field-hint">
        Minutes allowed for the first reply and for resolving, per priority. They count business hours when
        the skill has them. Leave a field empty for no target.
      </p>
      <table className="sla-table">
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">First response (min)</th>
            <th scope="col">Resolution (min)</th>
          </tr>
        </thead>
        <tbody>
          {SLA_BANDS.map((p) => (
            <tr key={p}>
              <th scope="row">
                <span className="sla-band">{LABELS[p]}</span>
                <span className="sla-band-hint">{HINTS[p]}</span>
              </th>
              <td>
                <input
                  className="input sla-input"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  aria-label={`${LABELS[p]} first response, minutes`}
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
                  aria-label={`${LABELS[p]} resolution, minutes`}
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
  if (min < 60 || min % 60) return `${min} min`;
  return min % 1440 ? `${min / 60} h` : `${min / 1440} d`;
};

/** "SLA: normal reply 15 min, resolve 1 h", for the skills table; null without targets. */
export function slaSummary(t: SlaTargets | null | undefined): string | null {
  if (!t) return null;
  const parts = SLA_BANDS.flatMap((p) => {
    const x = t[p];
    if (!x) return [];
    const clocks = [
      x.firstResponseSeconds ? `reply ${span(x.firstResponseSeconds)}` : null,
      x.resolutionSeconds ? `resolve ${span(x.resolutionSeconds)}` : null,
    ].filter(Boolean);
    return clocks.length ? [`${LABELS[p].toLowerCase()} ${clocks.join(', ')}`] : [];
  });
  return parts.length ? `SLA: ${parts.join('; ')}` : null;
}
