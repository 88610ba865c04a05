/**
 * Settings › Phone › a number, added or changed: its digits and trunk, where its calls go (a skill,
 * or a menu the caller hears and answers with a key), its own business hours (else the skill's),
 * what callers hear after hours (a message, or a message and voicemail), the language of its
 * prompts, and whether its calls are recorded (the caller hears so first).
 */
import type {
  AfterHours,
  PhoneLanguage,
  PhoneMenu,
  PhoneNumber,
  PhoneTrunk,
} from '@beckon/protocol/phone-api';
import { useState } from 'react';
import { request } from '../../../api/http.ts';
import type { BusinessHours, Skill } from '../../../api/types.ts';
import { Field } from '../../../components/field.tsx';
import { PlusIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { HoursEditor } from '../skills/hours-editor.tsx';
import { PhoneDialog } from './phone-dialog.tsx';

type Choice = PhoneMenu['choices'][number];
type AfterAction = 'none' | AfterHours['action'];

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'];

export function NumberDialog({
  number,
  trunks,
  skills,
  onClose,
  onSaved,
}: {
  /** Null: a new number. */
  number: PhoneNumber | null;
  trunks: PhoneTrunk[];
  skills: Skill[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT();
  const first = skills[0]?.id ?? '';
  const [digits, setDigits] = useState(number?.number ?? '+');
  const [trunkId, setTrunkId] = useState(number?.trunkId ?? trunks[0]?.id ?? '');
  const [kind, setKind] = useState<'skill' | 'menu'>(number?.menu ? 'menu' : 'skill');
  const [picked, setSkillId] = useState(number?.skillId ?? '');
  // The skills load after the dialog opens: until one is picked, the first.
  const skillId = picked || first;
  const [greeting, setGreeting] = useState(number?.menu?.greeting ?? '');
  const [choices, setChoices] = useState<Choice[]>(
    number?.menu?.choices ?? [{ digit: '1', label: skills[0]?.name ?? '', skillId: first }],
  );
  const [after, setAfter] = useState<AfterAction>(number?.afterHours?.action ?? 'none');
  const [message, setMessage] = useState(number?.afterHours?.message ?? '');
  const [hours, setHours] = useState<BusinessHours | null>(number?.hours ?? null);
  const [language, setLanguage] = useState<PhoneLanguage>(number?.language ?? 'en');
  const [recordCalls, setRecordCalls] = useState(number?.recordCalls ?? false);
  const change = (i: number, patch: Partial<Choice>) =>
    setChoices((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const addChoice = () =>
    setChoices((cs) => [
      ...cs,
      { digit: DIGITS.find((d) => !cs.some((c) => c.digit === d)) ?? '0', label: '', skillId: first },
    ]);
  const save = () => {
    const body = {
      number: digits.replace(/[\s().-]/g, ''),
      trunkId,
      ...(kind === 'skill'
        ? { skillId }
        : {
            menu: {
              greeting: greeting.trim(),
              choices: choices.map((c) => ({ ...c, label: c.label.trim() })),
            },
          }),
      hours,
      afterHours: after === 'none' ? null : { action: after, message: message.trim() },
      language,
      recordCalls,
    };
    return number
      ? request('PATCH', `/api/v1/phone/numbers/${encodeURIComponent(number.id)}`, { body })
      : request('POST', '/api/v1/phone/numbers', { body });
  };
  const skillOptions = skills.map((s) => (
    <option key={s.id} value={s.id}>
      {s.name}
    </option>
  ));
  return (
    <PhoneDialog
      title={number ? t('Edit {number}', { number: number.number }) : t('Add number')}
      description={t('Callers hear the menu and the after-hours message spoken by the phone gateway.')}
      testId="number-dialog"
      save={save}
      onClose={onClose}
      onSaved={onSaved}
    >
      <Field label={t('Number')} hint={t('With + and the country code, e.g. +4930123456.')}>
        {(p) => (
          <input
            {...p}
            className="input"
            required
            inputMode="tel"
            value={digits}
            onChange={(e) => setDigits(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('Trunk')}>
        {(p) => (
          <select {...p} className="input" value={trunkId} onChange={(e) => setTrunkId(e.target.value)}>
            {trunks.map((tr) => (
              <option key={tr.id} value={tr.id}>
                {tr.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset className="number-kind">
        <legend className="field-label">{t('Calls go to')}</legend>
        <label>
          <input type="radio" checked={kind === 'skill'} onChange={() => setKind('skill')} /> {t('A skill')}
        </label>
        <label>
          <input type="radio" checked={kind === 'menu'} onChange={() => setKind('menu')} /> {t('A menu')}
        </label>
      </fieldset>
      {kind === 'skill' ? (
        <Field label={t('Skill')}>
          {(p) => (
            <select {...p} className="input" value={skillId} onChange={(e) => setSkillId(e.target.value)}>
              {skillOptions}
            </select>
          )}
        </Field>
      ) : (
        <>
          <Spoken
            label={t('Greeting')}
            hint={t('Each choice is said after it: "For Sales, press 1."')}
            value={greeting}
            onChange={setGreeting}
          />
          <table className="table menu-choices" data-testid="menu-choices">
            <thead>
              <tr>
                <th scope="col">{t('Key')}</th>
                <th scope="col">{t('Said as')}</th>
                <th scope="col">{t('Skill')}</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">{t('Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {choices.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; a digit may change
                <tr key={i}>
                  <td>
                    <select
                      className="input"
                      aria-label={t('Key')}
                      value={c.digit}
                      onChange={(e) => change(i, { digit: e.target.value })}
                    >
                      {DIGITS.map((d) => (
                        <option key={d} value={d}>
                          {d}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      className="input"
                      aria-label={t('Said as')}
                      required
                      maxLength={100}
                      value={c.label}
                      onChange={(e) => change(i, { label: e.target.value })}
                    />
                  </td>
                  <td>
                    <select
                      className="input"
                      aria-label={t('Skill')}
                      value={c.skillId}
                      onChange={(e) => change(i, { skillId: e.target.value })}
                    >
                      {skillOptions}
                    </select>
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small"
                      disabled={choices.length === 1}
                      onClick={() => setChoices((cs) => cs.filter((_, j) => j !== i))}
                    >
                      {t('Remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div>
            <button
              type="button"
              className="button button-small"
              onClick={addChoice}
              disabled={choices.length >= 10}
            >
              <PlusIcon />
              {t('Add choice')}
            </button>
          </div>
        </>
      )}
      <Field
        label={t('After hours')}
        hint={t('Outside the hours of the number (or of its skill), callers hear this.')}
      >
        {(p) => (
          <select
            {...p}
            className="input"
            value={after}
            onChange={(e) => setAfter(e.target.value as AfterAction)}
          >
            <option value="none">{t('The standard closed message')}</option>
            <option value="message">{t('A message')}</option>
            <option value="voicemail">{t('A message, then voicemail')}</option>
          </select>
        )}
      </Field>
      <HoursEditor
        value={hours}
        onChange={setHours}
        setLabel={t('Set hours for this number (without them, its skill’s hours apply)')}
      />
      {after !== 'none' && <Spoken label={t('After-hours message')} value={message} onChange={setMessage} />}
      <Field
        label={t('Language of the prompts')}
        hint={t('The gateway speaks the prompts in this language.')}
      >
        {(p) => (
          <select
            {...p}
            className="input"
            value={language}
            onChange={(e) => setLanguage(e.target.value as PhoneLanguage)}
          >
            <option value="en">English</option>
            <option value="de">Deutsch</option>
            <option value="es">Español</option>
          </select>
        )}
      </Field>
      <label className="check">
        <input type="checkbox" checked={recordCalls} onChange={(e) => setRecordCalls(e.target.checked)} />
        {t('Record calls (callers hear “This call may be recorded.” before an agent answers)')}
      </label>
    </PhoneDialog>
  );
}

/** A text the gateway speaks to callers (a greeting, a message): up to 500 characters. */
function Spoken({
  label,
  hint,
  value,
  onChange,
}: {
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <Field label={label} hint={hint}>
      {(p) => (
        <textarea
          {...p}
          className="input textarea"
          rows={2}
          required
          maxLength={500}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
