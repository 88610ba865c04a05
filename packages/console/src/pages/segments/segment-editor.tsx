/**
 * The segment editor: a name, rows of field · operator · value joined by "all" or "any", and
 * beside them the live count and the first matching contacts, asked of the server as the filter
 * changes (a row still being typed is left out until it is complete).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../api/http.ts';
import {
  createSegment,
  getSegment,
  previewSegment,
  type SegmentPreview,
  type SegmentView,
  updateSegment,
} from '../../api/segments.ts';
import { Field } from '../../components/field.tsx';
import { FormError } from '../../components/form-error.tsx';
import { formatNumber, formatRelative } from '../../components/format.ts';
import { CloseIcon, PlusIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { Link, navigate } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import {
  catalog,
  defaultValue,
  filterOf,
  leafOf,
  newRow,
  opLabel,
  opsOf,
  type Row,
  refOf,
  rowsOf,
  valueControl,
} from './segment-catalog.ts';
import './segments.css';

/** Waits this long after the last keystroke before counting again. */
const PREVIEW_DELAY_MS = 300;

export function SegmentEditor({ id }: { id: string | null }) {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const [loaded, setLoaded] = useState<SegmentView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'all' | 'any'>('all');
  const [rows, setRows] = useState<Row[]>(() => (id ? [] : [newRow()]));
  const [nested, setNested] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const [focusRow, setFocusRow] = useState<number | null>(null);

  useEffect(() => {
    if (!id) return;
    getSegment(id).then(
      (segment) => {
        setLoaded(segment);
        setName(segment.name);
        const flat = rowsOf(segment.filter);
        if (flat) {
          setMode(flat.mode);
          setRows(flat.rows);
        } else setNested(true);
      },
      (error) => setLoadError(error),
    );
  }, [id]);

  const filter = useMemo(
    () => (nested && loaded ? loaded.filter : filterOf(mode, rows)),
    [nested, loaded, mode, rows],
  );
  const preview = useLivePreview(filter, !id || loaded !== null);
  const incomplete = rows.filter((row) => leafOf(row) === null).length;

  if (loadError) return <LoadError error={loadError} onRetry={() => window.location.reload()} />;
  if (id && !loaded) return <LoadingState label={t('Loading the segment…')} />;

  const change = (rowId: number, next: Partial<Row>) =>
    setRows((current) =>
      current.map((row) => {
        if (row.id !== rowId) return row;
        let updated = { ...row, ...next };
        // Another field starts at its first operator; a changed key keeps the operator while it fits.
        const ops = opsOf(updated);
        if (next.template !== undefined || !ops.includes(updated.op)) updated = { ...updated, op: ops[0]! };
        if (next.template !== undefined || next.op !== undefined)
          updated = { ...updated, value: defaultValue(updated) };
        return updated;
      }),
    );

  async function save() {
    if (!name.trim()) {
      setNameError(t('Give the segment a name.'));
      return;
    }
    setNameError(null);
    setSaving(true);
    setSaveError(null);
    try {
      if (id) await updateSegment(id, { name: name.trim(), filter });
      else await createSegment({ name: name.trim(), filter });
      navigate('/segments');
    } catch (caught) {
      setSaveError(errorMessage(caught));
    } finally {
      setSaving(false);
    }
  }

  const fields = catalog();
  const groups = [...new Set(fields.map((f) => f.group))];

  return (
    <>
      <PageHeader
        title={id ? t('Edit segment') : t('New segment')}
        description={t('Contacts who match the rows below. The count updates as you edit.')}
      />
      <div className="segment-editor">
        <form
          className="card segment-form"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <fieldset className="segment-fieldset" disabled={!manager || saving}>
            <Field label={t('Name')} error={nameError}>
              {(props) => (
                <input
                  {...props}
                  className="input"
                  value={name}
                  maxLength={120}
                  placeholder={t('For example: Repeat buyers on WhatsApp')}
                  onChange={(event) => setName(event.target.value)}
                />
              )}
            </Field>
            {nested ? (
              <p className="alert alert-info" data-testid="segment-nested">
                {t(
                  'This filter nests groups, which the editor does not show. Change it through the API, or rename the segment here.',
                )}
              </p>
            ) : (
              <div className="cond-builder" data-testid="segment-rules">
                <div className="cond-group-head">
                  <label className="segment-mode">
                    <span>{t('Contacts who match')}</span>
                    <select
                      className="input select cond-group-op"
                      value={mode}
                      onChange={(event) => setMode(event.target.value as 'all' | 'any')}
                      aria-label={t('Match all or any of the rows')}
                    >
                      <option value="all">{t('all of these')}</option>
                      <option value="any">{t('any of these')}</option>
                    </select>
                  </label>
                </div>
                {rows.length === 0 ? (
                  <p className="cond-empty">{t('No rows: the segment holds every contact.')}</p>
                ) : (
                  <ol className="cond-list">
                    {rows.map((row, index) => (
                      <li key={row.id} className="cond-item">
                        <SegmentRow
                          row={row}
                          number={index + 1}
                          groups={groups}
                          fields={fields}
                          focus={focusRow === row.id}
                          onFocused={() => setFocusRow(null)}
                          onChange={(next) => change(row.id, next)}
                          onRemove={() => setRows((current) => current.filter((r) => r.id !== row.id))}
                        />
                      </li>
                    ))}
                  </ol>
                )}
                <div className="cond-group-actions">
                  <button
                    type="button"
                    className="button button-small"
                    data-testid="segment-add-row"
                    onClick={() => {
                      const row = newRow('contact.lastSeen');
                      setRows((current) => [...current, row]);
                      setFocusRow(row.id);
                    }}
                  >
                    <PlusIcon />
                    {t('Add a row')}
                  </button>
                </div>
              </div>
            )}
          </fieldset>
          <FormError message={saveError} />
          <div className="segment-actions">
            {incomplete > 0 && (
              <span className="muted" data-testid="segment-incomplete">
                {t(
                  '{count, plural, one {# row is incomplete and not counted} other {# rows are incomplete and not counted}}',
                  {
                    count: incomplete,
                  },
                )}
              </span>
            )}
            <Link to="/segments" className="button">
              {manager ? t('Cancel') : t('Back')}
            </Link>
            {manager && (
              <button
                type="submit"
                className="button button-primary"
                disabled={saving}
                data-testid="segment-save"
              >
                {saving ? t('Saving…') : id ? t('Save changes') : t('Create segment')}
              </button>
            )}
          </div>
        </form>
        <PreviewPanel preview={preview} />
      </div>
    </>
  );
}

interface RowProps {
  row: Row;
  number: number;
  groups: string[];
  fields: ReturnType<typeof catalog>;
  focus: boolean;
  onFocused: () => void;
  onChange: (next: Partial<Row>) => void;
  onRemove: () => void;
}

function SegmentRow({ row, number, groups, fields, focus, onFocused, onChange, onRemove }: RowProps) {
  const t = useT();
  const fieldRef = useRef<HTMLSelectElement>(null);
  const ref = refOf(row);
  const control = valueControl(row);
  const keyed = row.template.endsWith('.*');
  useEffect(() => {
    if (!focus) return;
    fieldRef.current?.focus();
    onFocused();
  }, [focus, onFocused]);
  const valueLabel = t('Row {number} value', { number });
  return (
    <div className="cond-row segment-row" data-testid="segment-row-editor" data-field={row.template}>
      <div className="cond-controls">
        <select
          ref={fieldRef}
          className="input select cond-field"
          aria-label={t('Row {number} field', { number })}
          value={row.template}
          onChange={(event) => onChange({ template: event.target.value })}
        >
          {groups.map((group) => (
            <optgroup key={group} label={group}>
              {fields
                .filter((f) => f.group === group)
                .map((f) => (
                  <option key={f.template} value={f.template}>
                    {f.label}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        {keyed && (
          <input
            className="input cond-key"
            aria-label={
              row.template === 'section.*'
                ? t('Row {number} section', { number })
                : t('Row {number} attribute', { number })
            }
            placeholder={row.template === 'section.*' ? t('section, e.g. shoes') : t('attribute, e.g. plan')}
            value={row.key}
            onChange={(event) => onChange({ key: event.target.value })}
          />
        )}
        <select
          className="input select cond-op"
          aria-label={t('Row {number} operator', { number })}
          value={row.op}
          onChange={(event) => onChange({ op: event.target.value as Row['op'] })}
        >
          {opsOf(row).map((op) => (
            <option key={op} value={op}>
              {opLabel(op, ref)}
            </option>
          ))}
        </select>
        {control.kind === 'choice' ? (
          <select
            className="input select cond-value"
            aria-label={valueLabel}
            value={row.value}
            onChange={(event) => onChange({ value: event.target.value })}
          >
            {control.choices!.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        ) : (
          <span className="segment-value">
            <input
              className="input cond-value"
              aria-label={valueLabel}
              type={control.kind === 'date' ? 'date' : control.kind === 'text' ? 'text' : 'number'}
              min={control.kind === 'days' ? 1 : undefined}
              step="any"
              value={row.value}
              placeholder={
                row.op === 'in' ? t('values, separated by commas') : ref.kind === 'country' ? 'DE' : undefined
              }
              onChange={(event) => onChange({ value: event.target.value })}
            />
            {control.kind === 'days' && <span className="muted">{t('days')}</span>}
          </span>
        )}
        <button
          type="button"
          className="button button-small button-ghost cond-remove"
          onClick={onRemove}
          aria-label={t('Remove row {number}', { number })}
        >
          <CloseIcon />
        </button>
      </div>
    </div>
  );
}

interface LivePreview {
  state: 'idle' | 'counting' | 'done' | 'failed';
  result: SegmentPreview | null;
  error: string | null;
}

/** Counts the filter on the server a moment after it last changed; a late answer to an older filter is dropped. */
function useLivePreview(filter: unknown, ready: boolean): LivePreview {
  const [state, setState] = useState<LivePreview>({ state: 'idle', result: null, error: null });
  const key = JSON.stringify(filter);
  const latest = useRef(key);
  useEffect(() => {
    if (!ready) return;
    latest.current = key;
    setState((s) => ({ ...s, state: 'counting' }));
    const timer = window.setTimeout(() => {
      previewSegment(JSON.parse(key), 8).then(
        (result) => {
          if (latest.current === key) setState({ state: 'done', result, error: null });
        },
        (error) => {
          if (latest.current === key) setState({ state: 'failed', result: null, error: errorMessage(error) });
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [key, ready]);
  return state;
}

function PreviewPanel({ preview }: { preview: LivePreview }) {
  const t = useT();
  const { result } = preview;
  return (
    <aside
      className="card segment-preview"
      aria-labelledby="segment-preview-title"
      data-testid="segment-preview"
    >
      <h2 id="segment-preview-title" className="card-title">
        {t('Matching contacts')}
      </h2>
      <p
        className="segment-count"
        aria-live="polite"
        aria-busy={preview.state === 'counting'}
        data-testid="segment-preview-count"
      >
        {result ? (
          <>
            <strong>{formatNumber(result.count)}</strong>{' '}
            {t('{count, plural, one {contact} other {contacts}}', { count: result.count })}
          </>
        ) : preview.state === 'failed' ? null : (
          <span className="muted">{t('Counting…')}</span>
        )}
        {result && preview.state === 'counting' && (
          <span className="muted segment-updating"> {t('updating…')}</span>
        )}
      </p>
      {preview.error && (
        <p className="field-error" role="alert" data-testid="segment-preview-error">
          {preview.error}
        </p>
      )}
      {result && result.members.length === 0 && (
        <p className="muted" data-testid="segment-preview-empty">
          {t('No contact matches this filter yet.')}
        </p>
      )}
      {result && result.members.length > 0 && (
        <>
          <h3 className="segment-sample-title">{t('First matches')}</h3>
          <ul className="segment-sample" data-testid="segment-sample">
            {result.members.map((m) => (
              <li key={m.id} className="segment-member">
                <Link to={`/contacts/${encodeURIComponent(m.id)}`} className="segment-member-name">
                  {m.name ?? m.email ?? m.phone ?? t('Unnamed contact')}
                </Link>
                <span className="muted segment-member-detail">
                  {[
                    m.name ? (m.email ?? m.phone) : null,
                    t('seen {when}', { when: formatRelative(m.lastSeenAt) }),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
