/** Invite a live visitor to chat by hand: pick the skill that will answer and the message they will read. */
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../../api/http.ts';
import { listSkills } from '../../api/skills.ts';
import { type InviteResult, inviteVisitor } from '../../api/visitors.ts';
import { Dialog, DialogFooter } from '../../components/dialog.tsx';
import { Field } from '../../components/field.tsx';
import { FormError } from '../../components/form-error.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useSession } from '../../session/session-context.tsx';
import { shortId } from './visitor-format.ts';

interface InviteDialogProps {
  visitorId: string;
  siteId: string;
  onSent: (result: InviteResult) => void;
  onClose: () => void;
}

const DEFAULT_MESSAGE = 'Hi! Can I help you with anything?';

export function InviteDialog({ visitorId, siteId, onSent, onClose }: InviteDialogProps) {
  const { user } = useSession();
  const skills = useResource(listSkills);
  const [skillId, setSkillId] = useState<string | null>(null);
  const [message, setMessage] = useState(DEFAULT_MESSAGE);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mine = skills.data?.find((skill) => user.skillIds.includes(skill.id)) ?? skills.data?.[0];
  const chosen = skillId ?? mine?.id ?? '';

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!message.trim()) {
      setError('Write the message the visitor will read.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSent(
        await inviteVisitor(visitorId, {
          siteId,
          ...(chosen ? { skillId: chosen } : {}),
          message: message.trim(),
        }),
      );
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && (caught.status === 409 || caught.status === 404)) {
        setError('The visitor has left the site, so the invitation could not be delivered.');
      } else setError(errorMessage(caught));
    }
  }

  return (
    <Dialog
      title="Invite to chat"
      description={`Visitor ${shortId(visitorId)} sees your invitation on the page they are on now.`}
      onClose={onClose}
      busy={busy}
      testId="invite-dialog"
    >
      <form onSubmit={handleSubmit} noValidate>
        <div className="dialog-body form">
          <Field label="Skill" hint="The chat is routed to agents with this skill when the visitor accepts.">
            {(props) => (
              <select
                {...props}
                className="input select"
                value={chosen}
                disabled={!skills.data || skills.data.length === 0}
                onChange={(event) => setSkillId(event.target.value)}
              >
                {!skills.data ? (
                  <option value="">Loading skills…</option>
                ) : skills.data.length === 0 ? (
                  <option value="">No skills yet</option>
                ) : (
                  skills.data.map((skill) => (
                    <option key={skill.id} value={skill.id}>
                      {skill.name}
                    </option>
                  ))
                )}
              </select>
            )}
          </Field>
          <Field label="Message" hint={`${message.trim().length} / 500`}>
            {(props) => (
              <textarea
                {...props}
                className="input textarea"
                rows={3}
                maxLength={500}
                value={message}
                onChange={(event) => setMessage(event.target.value)}
              />
            )}
          </Field>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send invitation'}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
