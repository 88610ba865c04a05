/** Create or edit a macro: its name, who may run it, and each action (reply with variables, tags, status or snooze, assignment). */
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { createMacro, type Macro, type MacroActions, updateMacro } from '../../../api/macros.ts';
import type { Skill, User } from '../../../api/types.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { snoozeLengths } from '../../../components/macro-summary.ts';
import { useT } from '../../../i18n/language-context.tsx';
import '../canned/canned.css';
import { ReplyVariables, useVariableInsert } from '../canned/reply-variables.tsx';

interface MacroFormDialogProps {
  item?: Macro;
  /** Owners and admins may share a macro with the team. */
  manager: boolean;
  skills: Skill[];
  users: User[];
  onSaved: (item: Macro) => void;
  onClose: () => void;
}

const MAX_NAME = 80;
const MAX_TEXT = 4000;

type Then = '' | 'open' | 'pending' | 'resolved' | 'snooze';

const thenOf = (a?: MacroActions): Then => (a?.snoozeMinutes ? 'snooze' : (a?.status ?? ''));
const assignOf = (a?: MacroActions) =>
  !a?.assign ? '' : 'skillId' in a.assign ? `skill:${a.assign.skillId}` : `agent:${a.assign.agentId}`;

export function MacroFormDialog({ item, manager, skills, users, onSaved, onClose }: MacroFormDialogProps) {
  const t = useT();
  const a = item?.actions;
  const [name, setName] = useState(item?.name ?? '');
  const [shared, setShared] = useState(item?.shared ?? false);
  const [reply, setReply] = useState(a?.reply ?? '');
  const [tags, setTags] = useState(a?.tags?.join(', ') ?? '');
  const [then, setThen] = useState<Then>(thenOf(a));
  const [snooze, setSnooze] = useState(a?.snoozeMinutes ?? 240);
  const [assign, setAssign] = useState(assignOf(a));
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { ref: replyRef, insert } = useVariableInsert(reply, setReply);

  function actions(): MacroActions {
    const list = [
      ...new Set(
        tags
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ];
    const [kind, id] = assign.split(':');
    return {
      ...(reply.trim() ? { reply: reply.trim() } : {}),
      ...(list.length > 0 ? { tags: list } : {}),
      ...(then === 'snooze' ? { snoozeMinutes: snooze } : then ? { status: then } : {}),
      ...(kind === 'skill' && id ? { assign: { skillId: id } } : {}),
      ...(kind === 'agent' && id ? { assign: { agentId: id } } : {}),
    };
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = actions();
    const next = {
      name: name.trim() ? null : t('Give it a name agents recognise.'),
      reply: reply.trim().length > MAX_TEXT ? t('At most {count} characters.', { count: MAX_TEXT }) : null,
      tags: input.tags?.some((x) => x.length > 40) ? t('A tag has at most 40 characters.') : null,
      status:
        then === 'resolved' && input.assign
          ? t('A macro that resolves the chat cannot also assign it.')
          : Object.keys(input).length === 0
            ? t('Choose at least one action.')
            : null,
    };
    setErrors(next);
    if (Object.values(next).some(Boolean)) return;
    setBusy(true);
    setError(null);
    try {
      const body = { name: name.trim(), shared, actions: input };
      onSaved(item ? await updateMacro(item.id, body) : await createMacro(body));
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  const known = (value: string) =>
    skills.some((s) => `skill:${s.id}` === value) || users.some((u) => `agent:${u.id}` === value);
  return (
    <Dialog
      title={item ? t('Edit {name}', { name: item.name }) : t('New macro')}
      description={t('Agents run it in a chat with the Macros button or the {key} key.', { key: 'm' })}
      onClose={onClose}
      busy={busy}
      size="large"
      testId="macro-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <Field label={t('Name')} error={errors.name} hint={t('For example “Refund: pass to billing”.')}>
            {(props) => (
              <input
                {...props}
                className="input"
                value={name}
                maxLength={MAX_NAME}
                onChange={(e) => setName(e.target.value)}
                data-testid="macro-name"
              />
            )}
          </Field>
          <label className="check security-check">
            <input
              type="checkbox"
              checked={shared}
              disabled={!manager}
              onChange={(e) => setShared(e.target.checked)}
              data-testid="macro-shared"
            />
            <span className="security-check-text">
              <strong>{t('Shared with the whole team')}</strong>
              <span className="field-hint">
                {manager
                  ? t('Otherwise only you see and run it.')
                  : t('Only owners and admins share macros; yours is for you alone.')}
              </span>
            </span>
          </label>
          <Field
            label={t('Reply')}
            error={errors.reply}
            hint={t('Sent to the customer when the macro runs; leave it empty to send nothing.')}
          >
            {(props) => (
              <textarea
                {...props}
                ref={replyRef}
                className="input textarea"
                rows={4}
                value={reply}
                onChange={(e) => setReply(e.target.value)}
                data-testid="macro-reply"
              />
            )}
          </Field>
          <ReplyVariables text={reply} onInsert={insert} testId="macro-preview" />
          <Field
            label={t('Add tags')}
            error={errors.tags}
            hint={t('Separated by commas, e.g. refund, priority.')}
          >
            {(props) => (
              <input
                {...props}
                className="input"
                value={tags}
                onChange={(e) => setTags(e.target.value)}
                data-testid="macro-tags"
              />
            )}
          </Field>
          <div className="form-row">
            <Field label={t('Then')} error={errors.status}>
              {(props) => (
                <select
                  {...props}
                  className="input"
                  value={then}
                  onChange={(e) => setThen(e.target.value as Then)}
                  data-testid="macro-then"
                >
                  <option value="">{t('Leave the status as it is')}</option>
                  <option value="open">{t('Mark open')}</option>
                  <option value="pending">{t('Mark pending')}</option>
                  <option value="snooze">{t('Snooze')}</option>
                  <option value="resolved">{t('Resolve')}</option>
                </select>
              )}
            </Field>
            {then === 'snooze' ? (
              <Field label={t('Snooze for')}>
                {(props) => (
                  <select
                    {...props}
                    className="input"
                    value={snooze}
                    onChange={(e) => setSnooze(Number(e.target.value))}
                    data-testid="macro-snooze"
                  >
                    {snoozeLengths().map((s) => (
                      <option key={s.minutes} value={s.minutes}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : (
              <span />
            )}
          </div>
          <Field label={t('Assign to')} hint={t('A skill’s queue, or a colleague who is online.')}>
            {(props) => (
              <select
                {...props}
                className="input"
                value={assign}
                onChange={(e) => setAssign(e.target.value)}
                data-testid="macro-assign"
              >
                <option value="">{t('Keep it where it is')}</option>
                {assign && !known(assign) && (
                  <option value={assign}>{t('A deleted skill or colleague')}</option>
                )}
                <optgroup label={t('Skills')}>
                  {skills.map((s) => (
                    <option key={s.id} value={`skill:${s.id}`}>
                      {s.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label={t('Agents')}>
                  {users.map((u) => (
                    <option key={u.id} value={`agent:${u.id}`}>
                      {u.name}
                    </option>
                  ))}
                </optgroup>
              </select>
            )}
          </Field>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="macro-save">
            {busy ? t('Saving…') : item ? t('Save changes') : t('Add macro')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
