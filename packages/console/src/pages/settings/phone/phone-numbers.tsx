/**
 * Settings › Phone, the numbers: each number with its trunk, where its calls go (a skill or a
 * menu), its hours, what callers hear after hours and whether its calls are recorded; added,
 * changed (number-dialog.tsx) and deleted.
 */
import type { PhoneNumber, PhoneTrunk } from '@beckon/protocol/phone-api';
import { useEffect, useState } from 'react';
import { request } from '../../../api/http.ts';
import { listSkills } from '../../../api/skills.ts';
import type { Skill } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { PlusIcon } from '../../../components/icons.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { hoursSummary } from '../skills/hours-editor.tsx';
import { NumberDialog } from './number-dialog.tsx';

/** What callers of a number hear after hours, for the list. */
function afterHoursLabel(n: PhoneNumber): string {
  if (n.afterHours?.action === 'voicemail') return t('Message, then voicemail');
  if (n.afterHours?.action === 'message') return t('Message');
  return t('Closed message');
}

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
                <th scope="col">{t('Hours')}</th>
                <th scope="col">{t('After hours')}</th>
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
                    {n.recordCalls && (
                      <span className="muted" data-testid="number-recorded">
                        {' '}
                        · {t('Recorded')}
                      </span>
                    )}
                  </td>
                  <td>{trunkName(n.trunkId)}</td>
                  <td>
                    {n.menu
                      ? t('Menu: {choices}', {
                          choices: n.menu.choices.map((c) => `${c.digit} ${c.label}`).join(' · '),
                        })
                      : skillName(n.skillId)}
                  </td>
                  <td data-testid="number-hours">
                    {n.hours ? hoursSummary(n.hours) : t('The skill’s hours')}
                  </td>
                  <td>{afterHoursLabel(n)}</td>
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
