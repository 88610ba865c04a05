/**
 * Invite a live visitor to chat by hand: pick the skill that will answer and the message they will read.
 * The invitation names the agent, and the chat goes to them, only while they are online with that
 * skill: a name the visitor cannot reach would be a promise broken. Otherwise the dialog says the
 * team invites, and offers to go online first.
 */
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../../api/http.ts';
import { listSkills } from '../../api/skills.ts';
import { type InviteResult, inviteVisitor } from '../../api/visitors.ts';
import { Dialog, DialogFooter } from '../../components/dialog.tsx';
import { Field } from '../../components/field.tsx';
import { FormError } from '../../components/form-error.tsx';
import { AlertIcon } from '../../components/icons.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import { useSession } from '../../session/session-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../workspace/workspace-context.tsx';
import { actionError } from '../../workspace/workspace-store.ts';
import { shortId } from './visitor-format.ts';

interface InviteDialogProps {
  visitorId: string;
  siteId: string;
  onSent: (result: InviteResult) => void;
  onClose: () => void;
}

export function InviteDialog({ visitorId, siteId, onSent, onClose }: InviteDialogProps) {
  const t = useT();
  const { user } = useSession();
  const skills = useResource(listSkills);
  const [skillId, setSkillId] = useState<string | null>(null);
  const [message, setMessage] = useState(() => t('Hi! Can I help you with anything?'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const workspace = useWorkspaceStore();
  const status = useWorkspace((s) => s.status, 'offline');
  const mine = skills.data?.find((skill) => user.skillIds.includes(skill.id)) ?? skills.data?.[0];
  const chosen = skillId ?? mine?.id ?? '';
  const mySkill = user.skillIds.includes(chosen);
  const named = status === 'online' && mySkill;

  async function goOnline() {
    try {
      await workspace?.setStatus('online');
    } catch (caught) {
      workspace?.notify(actionError(caught));
    }
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!message.trim()) {
      setError(t('Write the message the visitor will read.'));
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
        setError(t('The visitor has left the site, so the invitation could not be delivered.'));
      } else setError(errorMessage(caught));
    }
  }

  return (
    <Dialog
      title={t('Invite to chat')}
      description={t('Visitor {id} sees your invitation on the page they are on now.', {
        id: shortId(visitorId),
      })}
      onClose={onClose}
      busy={busy}
      testId="invite-dialog"
    >
      <form onSubmit={handleSubmit} noValidate>
        <div className="dialog-body form">
          <Field
            label={t('Skill')}
            hint={t('The chat is routed to agents with this skill when the visitor accepts.')}
          >
            {(props) => (
              <select
                {...props}
                className="input select"
                value={chosen}
                disabled={!skills.data || skills.data.length === 0}
                onChange={(event) => setSkillId(event.target.value)}
              >
                {!skills.data ? (
                  <option value="">{t('Loading skills…')}</option>
                ) : skills.data.length === 0 ? (
                  <option value="">{t('No skills yet')}</option>
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
          <Field label={t('Message')} hint={`${message.trim().length} / 500`}>
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
          {named ? (
            <p className="muted" data-testid="invite-from">
              {t(
                'The visitor sees your name and that you are online. When they accept, the chat comes straight to you.',
              )}
            </p>
          ) : (
            <div className="alert alert-warning" role="status" data-testid="invite-from">
              <AlertIcon className="alert-icon" />
              <span>
                {!mySkill
                  ? t(
                      'You do not have this skill, so the invitation comes from the team and its first free agent answers.',
                    )
                  : status === 'away'
                    ? t(
                        'You are away, so the invitation comes from the team and the first free agent answers.',
                      )
                    : t(
                        'You are offline, so the invitation comes from the team and the first free agent answers.',
                      )}
              </span>
              {mySkill && workspace && (
                <button type="button" className="button button-small alert-action" onClick={goOnline}>
                  {t('Go online')}
                </button>
              )}
            </div>
          )}
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Sending…') : t('Send invitation')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
