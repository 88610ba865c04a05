/** One targeting test: field · operator · value, with its problem shown right under it. */
import { useEffect, useId, useRef } from 'react';
import type { ConditionOp } from '../../api/types.ts';
import { CloseIcon } from '../../components/icons.tsx';
import { useT } from '../../i18n/language-context.tsx';
import type { LeafProblem } from './condition-checks.ts';
import { type LeafNode, type WithinUnit, withField, withOp } from './condition-model.ts';
import { type FieldTemplate, fieldGroupsFor, fieldTemplate, opLabel, opsFor } from './field-catalog.ts';

interface ConditionRowProps {
  leaf: LeafNode;
  /** 1-based position in the whole rule, for labels a screen reader can tell apart. */
  number: number;
  problem: LeafProblem | undefined;
  focus: boolean;
  onFocused: () => void;
  onChange: (leaf: LeafNode) => void;
  onRemove: () => void;
}

export function ConditionRow({
  leaf,
  number,
  problem,
  focus,
  onFocused,
  onChange,
  onRemove,
}: ConditionRowProps) {
  const t = useT();
  const fieldRef = useRef<HTMLSelectElement>(null);
  const errorId = useId();
  const field = fieldTemplate(leaf.template)!;
  const describedBy = problem ? errorId : undefined;
  const keyInvalid = problem?.part === 'key' || (problem?.part === 'field' && Boolean(field.keyLabel));

  useEffect(() => {
    if (!focus) return;
    fieldRef.current?.focus();
    onFocused();
  }, [focus, onFocused]);

  return (
    <div
      className={problem ? 'cond-row cond-row-invalid' : 'cond-row'}
      data-testid="condition-row"
      data-field={leaf.template}
    >
      <div className="cond-controls">
        <select
          ref={fieldRef}
          className="input select cond-field"
          aria-label={t('Condition {number} field', { number })}
          aria-invalid={problem?.part === 'field' && !field.keyLabel ? true : undefined}
          aria-describedby={problem?.part === 'field' && !field.keyLabel ? describedBy : undefined}
          value={leaf.template}
          onChange={(event) => onChange(withField(leaf, event.target.value))}
        >
          {fieldGroupsFor(leaf.template).map((group) => (
            <optgroup key={group.label} label={group.label}>
              {group.fields.map((item) => (
                <option key={item.template} value={item.template}>
                  {item.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {field.keyLabel && (
          <input
            className="input cond-key"
            aria-label={
              leaf.template === 'event.*'
                ? t('Condition {number} event name', { number })
                : t('Condition {number} section', { number })
            }
            aria-invalid={keyInvalid ? true : undefined}
            aria-describedby={keyInvalid ? describedBy : undefined}
            placeholder={field.keyPlaceholder}
            value={leaf.key}
            maxLength={64}
            onChange={(event) => onChange({ ...leaf, key: event.target.value })}
          />
        )}
        <select
          className="input select cond-op"
          aria-label={t('Condition {number} operator', { number })}
          aria-invalid={problem?.part === 'op' ? true : undefined}
          aria-describedby={problem?.part === 'op' ? describedBy : undefined}
          value={leaf.op}
          onChange={(event) => onChange(withOp(leaf, event.target.value as ConditionOp))}
        >
          {opsFor(field).map((op) => (
            <option key={op} value={op}>
              {opLabel(op, field.kind)}
            </option>
          ))}
        </select>
        <ValueInput
          leaf={leaf}
          field={field}
          number={number}
          invalid={problem?.part === 'value'}
          describedBy={problem?.part === 'value' ? describedBy : undefined}
          onChange={onChange}
        />
        <button
          type="button"
          className="icon-button cond-remove"
          aria-label={t('Remove condition {number}', { number })}
          onClick={onRemove}
        >
          <CloseIcon />
        </button>
      </div>
      {problem && (
        <p className="field-error cond-error" id={errorId} data-testid="condition-error">
          {problem.message}
        </p>
      )}
    </div>
  );
}

interface ValueInputProps {
  leaf: LeafNode;
  field: FieldTemplate;
  number: number;
  invalid: boolean;
  describedBy: string | undefined;
  onChange: (leaf: LeafNode) => void;
}

function units(t: (en: string) => string): { value: WithinUnit; label: string }[] {
  return [
    { value: 'seconds', label: t('seconds') },
    { value: 'minutes', label: t('minutes') },
    { value: 'hours', label: t('hours') },
    { value: 'days', label: t('days') },
  ];
}

/** What a number measures, after the value input. */
function unitText(t: (en: string) => string, unit: string | undefined): string | undefined {
  switch (unit) {
    case 'pages':
      return t('pages');
    case 'items':
      return t('items');
    case 'hour':
      return t('o’clock, the visitor’s time');
    default:
      return unit;
  }
}

function ValueInput({ leaf, field, number, invalid, describedBy, onChange }: ValueInputProps) {
  const t = useT();
  const listId = useId();
  const label = t('Condition {number} value', { number });
  const common = {
    'aria-label': label,
    'aria-invalid': invalid ? true : undefined,
    'aria-describedby': describedBy,
  } as const;
  const setText = (text: string) => onChange({ ...leaf, text });
  const { op, kind } = { op: leaf.op, kind: field.kind };

  if (op === 'changed') return <span className="cond-novalue">{t('(any change)')}</span>;

  const single = op === 'equals' || op === 'not_equals';
  if (single && kind === 'boolean') {
    return (
      <select
        {...common}
        className="input select cond-value"
        value={leaf.text}
        onChange={(e) => setText(e.target.value)}
      >
        <option value="true">{t('Yes')}</option>
        <option value="false">{t('No')}</option>
      </select>
    );
  }
  if (single && field.strictChoices && field.choices) {
    const nameOf = field.choiceLabel ?? ((choice: string) => choice);
    // Named choices (countries) are listed by name, in the user's language.
    const choices = field.choiceLabel
      ? [...field.choices].sort((a, b) => nameOf(a).localeCompare(nameOf(b)))
      : field.choices;
    return (
      <select
        {...common}
        className="input select cond-value"
        value={leaf.text}
        onChange={(e) => setText(e.target.value)}
      >
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {nameOf(choice)}
          </option>
        ))}
      </select>
    );
  }

  if (op === 'within') {
    return (
      <span className="cond-value cond-value-split">
        <input
          {...common}
          className="input cond-number"
          inputMode="decimal"
          placeholder="10"
          value={leaf.text}
          onChange={(e) => setText(e.target.value)}
        />
        <select
          className="input select cond-unit"
          aria-label={t('Condition {number} unit', { number })}
          value={leaf.unit}
          onChange={(e) => onChange({ ...leaf, unit: e.target.value as WithinUnit })}
        >
          {units(t).map((unit) => (
            <option key={unit.value} value={unit.value}>
              {unit.label}
            </option>
          ))}
        </select>
      </span>
    );
  }

  if (op === 'matches') {
    return (
      <span className="cond-value cond-value-split">
        <input
          {...common}
          className="input mono"
          placeholder={leaf.regex ? '^/checkout(/|$)' : kind === 'list' ? 'check*' : '/checkout*'}
          value={leaf.text}
          onChange={(e) => setText(e.target.value)}
        />
        <label className="cond-toggle">
          <input
            type="checkbox"
            checked={leaf.regex}
            onChange={(e) => onChange({ ...leaf, regex: e.target.checked })}
          />
          <span>{t('Regex')}</span>
        </label>
      </span>
    );
  }

  const numeric = kind === 'number' || kind === 'time' || kind === 'event';
  const unit =
    op === 'decreased' || op === 'increased'
      ? t('by at least')
      : op === 'top_percent'
        ? t('% of the site’s visitors')
        : kind === 'event'
          ? t('times this visit')
          : op === 'in'
            ? undefined
            : unitText(t, field.unit);
  const placeholder =
    op === 'in'
      ? numeric
        ? '1, 2, 3'
        : field.template === 'geo.country'
          ? 'DE, AT, CH'
          : t('first, second')
      : op === 'decreased' || op === 'increased'
        ? t('any amount')
        : numeric
          ? '0'
          : '';
  const prefix = op === 'decreased' || op === 'increased';
  return (
    <span className="cond-value cond-value-split">
      {prefix && <span className="cond-unit-text">{t('by at least')}</span>}
      <input
        {...common}
        className={numeric && op !== 'in' ? 'input cond-number' : 'input'}
        inputMode={numeric ? 'decimal' : undefined}
        placeholder={placeholder}
        list={field.choices && !field.strictChoices ? listId : undefined}
        value={leaf.text}
        onChange={(e) => setText(e.target.value)}
      />
      {!prefix && unit && <span className="cond-unit-text">{unit}</span>}
      {field.choices && !field.strictChoices && (
        <datalist id={listId}>
          {field.choices.map((choice) => (
            <option key={choice} value={choice} />
          ))}
        </datalist>
      )}
    </span>
  );
}
