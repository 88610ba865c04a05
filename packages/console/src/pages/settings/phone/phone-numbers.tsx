/**
 * Settings › Phone, the numbers: each number with its trunk and where its calls go (a skill or a
 * menu), added, changed and deleted. A number set to a menu keeps it unless a skill is chosen.
 */
import type { PhoneNumber, PhoneTrunk } from '@beckon/protocol/phone-api';
import { useEffect, useState } from 'react';
import { request } from '../../../api/http.ts';
import { listSkills } from '../../../api/skills.ts';
import type { Skill } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { PlusIcon } from '../../../components/icons.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { PhoneDialog } from './phone-dialog.tsx';

type Editing =
  | { kind: 'add' }
  | { kind: 'edit'; number: PhoneNumber }
  | { kind: 'delete'; number: PhoneNumber };

export function PhoneNumbers({
  trunks,
  numbers,
  onChanged,
}: {
  trunks: PhoneTrunk[];
  numbers: PhoneNumber[];
  onChanged: () => void;
}) {
  const t = useT();
  const [skills, setSkills] = useState<Skill[]>([]);
  const [editing, setEditing] = useState<Editing | null>(null);
  useEffect(() => {
    listSkills()
      .then(setSkills)
      .catch(() => setSkills([]));
  }, []);
  const skillName = (id: string | null) => skills.find((s) => s.id === id)?.name ?? id ?? '';
  const trunkName = (id: string) => trunks.find((tr) => tr.id === id)?.name ?? id;
  const done = () => {
    setEditing(null);
    onChanged();
  };
  return (
    <section aria-labelledby="phone-numbers-heading" className="phone-numbers">
      <SectionHeader
        title={t('Numbers')}
        id="phone-numbers-heading"
        description={t('Calls to each number go to a skill’s queue, or to a menu.')}
        actions={
          <button
            type="button"
            className="button"
            onClick={() => setEditing({ kind: 'add' })}
            data-testid="add-number"
          >
            <PlusIcon />
            {t('Add number')}
          </button>
        }
      />
      {numbers.length === 0 ? (
        <p className="muted" data-testid="numbers-empty">
          {t('No number yet.')}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="number-table">
            <thead>
              <tr>
                <th scope="col">{t('Number')}</th>
                <th scope="col">{t('Trunk')}</th>
                <th scope="col">{t('Calls go to')}</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">{t('Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {numbers.map((n) => (
                <tr key={n.id} data-testid="number-row">
                  <td>
                    <strong>{n.number}</strong>
                  </td>
                  <td>{trunkName(n.trunkId)}</td>
                  <td>
                    {n.menu
                      ? t('Menu: {choices}', {
                          choices: n.menu.choices.map((c) => `${c.digit} ${c.label}`).join(' · '),
                        })
                      : skillName(n.skillId)}
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => setEditing({ kind: 'edit', number: n })}
                      aria-label={t('Edit {number}', { number: n.number })}
                    >
                      {t('Edit')}
                    </button>{' '}
                    <button
                      type="button"
                      className="button button-small button-danger"
                      onClick={() => setEditing({ kind: 'delete', number: n })}
                      aria-label={t('Delete {number}', { number: n.number })}
                    >
                      {t('Delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(editing?.kind === 'add' || editing?.kind === 'edit') && (
        <NumberDialog
          number={editing.kind === 'edit' ? editing.number : null}
          trunks={trunks}
          skills={skills}
          onClose={() => setEditing(null)}
          onSaved={done}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Delete this number?')}
          confirmLabel={t('Delete number')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await request('DELETE', `/api/v1/phone/numbers/${encodeURIComponent(editing.number.id)}`);
            onChanged();
          }}
        >
          <p>
            {t('Calls to {number} are refused from now on. Calls already in progress go on.', {
              number: editing.number.number,
            })}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Adds a number, or changes one: its digits, its trunk and the skill its calls go to. */
function NumberDialog({
  number,
  trunks,
  skills,
  onClose,
  onSaved,
}: {
  number: PhoneNumber | null;
  trunks: PhoneTrunk[];
  skills: Skill[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT();
  const [digits, setDigits] = useState(number?.number ?? '+');
  const [trunkId, setTrunkId] = useState(number?.trunkId ?? trunks[0]?.id ?? '');
  const [picked, setSkillId] = useState(number?.skillId ?? '');
  // Empty: the number keeps its menu; a new one goes to the first skill until another is picked.
  const skillId = picked || (number?.menu ? '' : (skills[0]?.id ?? ''));
  const body = { number: digits.replace(/[\s().-]/g, ''), trunkId, ...(skillId ? { skillId } : {}) };
  const save = () =>
    number
      ? request('PATCH', `/api/v1/phone/numbers/${encodeURIComponent(number.id)}`, { body })
      : request('POST', '/api/v1/phone/numbers', { body });
  return (
    <PhoneDialog
      title={number ? t('Edit number') : t('Add number')}
      description={t('Calls to the number ring the agents of the skill you choose.')}
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
      <Field label={t('Calls go to')}>
        {(p) => (
          <select
            {...p}
            className="input"
            required={!number?.menu}
            value={skillId}
            onChange={(e) => setSkillId(e.target.value)}
          >
            {number?.menu && <option value="">{t('Its menu (unchanged)')}</option>}
            {skills.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </PhoneDialog>
  );
}
