/** Create or edit a skill: its name, how long visitors may wait, how long an offer lasts, where chats can be transferred, its business hours and service levels. */
import { type FormEvent, useState } from 'react';
import type { Bot } from '../../../api/bots.ts';
import { errorMessage } from '../../../api/http.ts';
import { createSkill, updateSkill } from '../../../api/skills.ts';
import type { Skill } from '../../../api/types.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { parseWholeNumber } from '../../../components/number-input.ts';
import { SkillPicker } from '../../../components/skill-picker.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { HoursEditor } from './hours-editor.tsx';
import { SlaEditor, slaDraft, slaOf } from './sla-editor.tsx';

interface SkillFormDialogProps {
  skill?: Skill;
  /** Every skill of the account, for the transfer targets. */
  skills: Skill[];
  /** The account's bots, any of which may answer the skill's new conversations first. */
  bots: Bot[];
  onSaved: (skill: Skill) => void;
  onClose: () => void;
}

const MAX_SECONDS = 86_400;

export function SkillFormDialog({ skill, skills, bots, onSaved, onClose }: SkillFormDialogProps) {
  const t = useT();
  const [name, setName] = useState(skill?.name ?? '');
  const [maxWait, setMaxWait] = useState(String(skill?.maxWaitSeconds ?? 120));
  const [offerTimeout, setOfferTimeout] = useState(String(skill?.offerTimeoutSeconds ?? 30));
  const [transfers, setTransfers] = useState<string[]>(skill?.transferSkillIds ?? []);
  const [hours, setHours] = useState(skill?.hours ?? null);
  const [botId, setBotId] = useState(skill?.botId ?? '');
  const [sla, setSla] = useState(() => slaDraft(skill?.sla));
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    const maxWaitSeconds = parseWholeNumber(maxWait, 1, MAX_SECONDS);
    const offerTimeoutSeconds = parseWholeNumber(offerTimeout, 1, MAX_SECONDS);
    const targets = slaOf(sla);
    const next = {
      sla: 'error' in targets ? targets.error : null,
      name: trimmed ? null : t('Give the skill a name.'),
      maxWait: maxWaitSeconds === null ? t('Enter a whole number of seconds, at least 1.') : null,
      offerTimeout: offerTimeoutSeconds === null ? t('Enter a whole number of seconds, at least 1.') : null,
    };
    setErrors(next);
    if (!trimmed || maxWaitSeconds === null || offerTimeoutSeconds === null || 'error' in targets) return;

    setBusy(true);
    setError(null);
    try {
      const input = {
        name: trimmed,
        maxWaitSeconds,
        offerTimeoutSeconds,
        transferSkillIds: transfers,
        hours,
        botId: botId || null,
        sla: targets.targets,
      };
      onSaved(skill ? await updateSkill(skill.id, input) : await createSkill(input));
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  const targets = skills.filter((item) => item.id !== skill?.id);

  return (
    <Dialog
      title={skill ? t('Edit {name}', { name: skill.name }) : t('New skill')}
      description={t('A skill is a queue of chats and the agents who can answer them.')}
      onClose={onClose}
      busy={busy}
      testId="skill-dialog"
      size="large"
    >
      <form onSubmit={handleSubmit} noValidate>
        <div className="dialog-body form">
          <Field label={t('Name')} error={errors.name} hint={t('For example Sales, Support or Billing.')}>
            {(props) => (
              <input
                {...props}
                className="input"
                name="name"
                autoComplete="off"
                maxLength={80}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
          <div className="form-row">
            <Field
              label={t('Max wait (seconds)')}
              error={errors.maxWait}
              hint={t('How long a visitor may wait in the queue for an agent with this skill.')}
            >
              {(props) => (
                <input
                  {...props}
                  className="input"
                  name="maxWaitSeconds"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={MAX_SECONDS}
                  value={maxWait}
                  onChange={(event) => setMaxWait(event.target.value)}
                />
              )}
            </Field>
            <Field
              label={t('Offer timeout (seconds)')}
              error={errors.offerTimeout}
              hint={t('How long an agent has to accept a chat before it is offered to the next one.')}
            >
              {(props) => (
                <input
                  {...props}
                  className="input"
                  name="offerTimeoutSeconds"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={MAX_SECONDS}
                  value={offerTimeout}
                  onChange={(event) => setOfferTimeout(event.target.value)}
                />
              )}
            </Field>
          </div>
          <SkillPicker
            legend={t('Transfer targets')}
            hint={t('Skills an agent can hand a conversation on to.')}
            skills={targets}
            selected={transfers}
            onChange={setTransfers}
            emptyText={t('Create another skill to allow transfers to it.')}
          />
          <Field
            label={t('Offer new conversations to a bot first')}
            hint={
              bots.length
                ? t('The bot answers first and hands over to the skill’s agents when it cannot help.')
                : t('Create a bot in Settings › Bots to let it answer first.')
            }
          >
            {(props) => (
              <select
                {...props}
                className="input"
                name="botId"
                value={botId}
                disabled={bots.length === 0 && !botId}
                onChange={(event) => setBotId(event.target.value)}
              >
                <option value="">{t('No bot — straight to people')}</option>
                {bots.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <HoursEditor value={hours} onChange={setHours} />
          <SlaEditor value={sla} onChange={setSla} error={errors.sla ?? null} />
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Saving…') : skill ? t('Save changes') : t('Create skill')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
