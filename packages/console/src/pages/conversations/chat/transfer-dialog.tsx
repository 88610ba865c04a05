/** Hands a chat to another agent or back to a skill's queue, with a note of context the next agent reads first. */
import { type FormEvent, useEffect, useState } from 'react';
import type { Conversation } from '../../../api/conversations.ts';
import type { User } from '../../../api/types.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { STATUS_LABELS } from '../../../components/people.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useCalls } from '../../../workspace/use-calls.ts';
import { useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { actionError } from '../../../workspace/workspace-store.ts';
import { visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';

interface TransferDialogProps {
  conversation: Conversation;
  /** A supervisor moving someone else's chat. */
  reassign: boolean;
  myId: string;
  /** Moves this call instead of the chat: the next agent's console rings, and the chat follows when they answer. */
  callId?: string;
  onClose: () => void;
  onDone: () => void;
}

type Target = 'agent' | 'skill';

const byAvailability = (a: User, b: User) =>
  Number(b.status === 'online') - Number(a.status === 'online') || a.name.localeCompare(b.name);

export function TransferDialog({
  conversation: c,
  reassign,
  myId,
  callId,
  onClose,
  onDone,
}: TransferDialogProps) {
  const store = useWorkspaceStore()!;
  const t = useT();
  const { users, skills, reloadUsers } = useDirectory();
  // Who is online now, not when the page was opened.
  useEffect(() => reloadUsers(), [reloadUsers]);
  const agents = users
    .filter((u) => u.role !== 'analyst' && u.id !== c.assignedAgentId && (reassign || u.id !== myId))
    .sort(byAvailability);
  // Agents hand chats only to colleagues who are online; a supervisor may assign anyone.
  const selectable = (u: User) => reassign || u.status === 'online';
  const [target, setTarget] = useState<Target>('agent');
  const [picked, setPicked] = useState('');
  const agentId = agents.some((u) => u.id === picked && selectable(u))
    ? picked
    : (agents.find(selectable)?.id ?? '');
  const [skillId, setSkillId] = useState(c.skillId ?? skills[0]?.id ?? '');
  const [note, setNote] = useState('');
  // A phone call may go warm: the agent talks to the next one first, the caller on hold. The next
  // agent's console shows the consult above every chat (call-consult.tsx), since it is not theirs yet.
  const calls = useCalls();
  const phone = callId ? calls.calls[callId]?.phone !== undefined : false;
  const [warm, setWarm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const to = target === 'agent' ? { agentId } : { skillId };
    if (!('agentId' in to ? to.agentId : to.skillId)) {
      setError(
        target === 'agent' ? t('No agent can take it now: choose a skill instead.') : t('Choose a skill.'),
      );
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (callId) await store.calls.transfer(callId, to, phone && warm);
      else await store.transfer(c.id, to, note);
      onDone();
    } catch (caught) {
      setError(actionError(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={callId ? t('Transfer call') : reassign ? t('Reassign chat') : t('Transfer chat')}
      description={
        callId
          ? t("{name} waits on the line while the next agent's console rings.", { name: visitorLabel(c) })
          : t('{name} keeps the conversation; the next agent sees everything said so far.', {
              name: visitorLabel(c),
            })
      }
      onClose={onClose}
      busy={busy}
      testId="transfer-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <fieldset className="fieldset">
            <legend className="field-label">{t('Transfer to')}</legend>
            <div className="choice-row">
              <label className="check">
                <input
                  type="radio"
                  name="transfer-target"
                  checked={target === 'agent'}
                  onChange={() => setTarget('agent')}
                />
                <span>{t('An agent')}</span>
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="transfer-target"
                  checked={target === 'skill'}
                  onChange={() => setTarget('skill')}
                />
                <span>{t("A skill's queue")}</span>
              </label>
            </div>
          </fieldset>
          {target === 'agent' ? (
            <Field
              label={t('Agent')}
              hint={
                reassign
                  ? t('The chat moves to them at once.')
                  : t('Only agents who are online can take it; it moves to them at once.')
              }
            >
              {(props) => (
                <select
                  {...props}
                  className="input select"
                  value={agentId}
                  onChange={(e) => setPicked(e.target.value)}
                >
                  {agents.length === 0 && <option value="">{t('No other agents')}</option>}
                  {agents.length > 0 && !agents.some(selectable) && (
                    <option value="">{t('No other agent is online')}</option>
                  )}
                  {agents.map((u) => (
                    <option key={u.id} value={u.id} disabled={!selectable(u)}>
                      {u.name} — {STATUS_LABELS[u.status]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <Field
              label={t('Skill')}
              hint={t("The chat waits in this skill's queue for the next free agent.")}
            >
              {(props) => (
                <select
                  {...props}
                  className="input select"
                  value={skillId}
                  onChange={(e) => setSkillId(e.target.value)}
                >
                  {skills.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {phone && (
            <label className="check">
              <input
                type="checkbox"
                checked={warm}
                onChange={(e) => setWarm(e.target.checked)}
                data-testid="transfer-warm"
              />
              <span>{t('Talk to them first; the caller hears music until you complete the transfer')}</span>
            </label>
          )}
          {!callId && (
            <Field
              label={t('Note for the next agent')}
              hint={t('Optional. Stored as an internal note; the visitor never sees it.')}
            >
              {(props) => (
                <textarea
                  {...props}
                  className="input textarea"
                  rows={3}
                  maxLength={2000}
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                  placeholder={t('What they asked, what you tried…')}
                />
              )}
            </Field>
          )}
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={busy}
            data-testid="transfer-submit"
          >
            {busy ? t('Transferring…') : reassign ? t('Reassign') : t('Transfer')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
