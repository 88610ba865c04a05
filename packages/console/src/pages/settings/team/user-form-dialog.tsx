/** Add a team member with a first password, or change a member's name, role, skills, capacity and status. */
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import type { AgentStatus, Role, Skill, User } from '../../../api/types.ts';
import { createUser, updateUser } from '../../../api/users.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { parseWholeNumber } from '../../../components/number-input.ts';
import {
  ROLE_DESCRIPTIONS,
  ROLE_LABELS,
  ROLES,
  STATUS_LABELS,
  STATUSES,
} from '../../../components/people.ts';
import { SkillPicker } from '../../../components/skill-picker.tsx';
import { useT } from '../../../i18n/language-context.tsx';

export const MIN_PASSWORD_LENGTH = 8;
const MAX_CAPACITY = 100;

interface UserFormDialogProps {
  user?: User;
  skills: Skill[];
  /** Only an owner may make someone else an owner. */
  currentRole: Role;
  onSaved: (user: User) => void;
  onClose: () => void;
}

export function UserFormDialog({ user, skills, currentRole, onSaved, onClose }: UserFormDialogProps) {
  const t = useT();
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(user?.role ?? 'agent');
  const [skillIds, setSkillIds] = useState<string[]>(user?.skillIds ?? []);
  const [capacity, setCapacity] = useState(String(user?.capacity ?? 3));
  const [status, setStatus] = useState<AgentStatus>(user?.status ?? 'offline');
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const roles = ROLES.filter((item) => item !== 'owner' || currentRole === 'owner' || user?.role === 'owner');

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmedName = name.trim();
    const trimmedEmail = email.trim();
    const chats = parseWholeNumber(capacity, 0, MAX_CAPACITY);
    const next = {
      name: trimmedName ? null : t('Enter their name.'),
      email: user || /^\S+@\S+\.\S+$/.test(trimmedEmail) ? null : t('Enter a valid email address.'),
      password:
        user || password.length >= MIN_PASSWORD_LENGTH
          ? null
          : t('Use at least {count} characters.', { count: MIN_PASSWORD_LENGTH }),
      capacity: chats === null ? t('Enter a whole number from 0 to {max}.', { max: MAX_CAPACITY }) : null,
    };
    setErrors(next);
    if (Object.values(next).some(Boolean) || chats === null) return;

    setBusy(true);
    setError(null);
    try {
      const saved = user
        ? await updateUser(user.id, { name: trimmedName, role, skillIds, capacity: chats, status })
        : await createUser({
            name: trimmedName,
            email: trimmedEmail,
            password,
            role,
            skillIds,
            capacity: chats,
          });
      onSaved(saved);
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={user ? t('Edit {name}', { name: user.name }) : t('Add team member')}
      description={
        user
          ? user.email
          : t(
              'They log in with this email and password. Share the password with them privately; they can change it later.',
            )
      }
      onClose={onClose}
      busy={busy}
      size="large"
      testId="user-dialog"
    >
      <form onSubmit={handleSubmit} noValidate>
        <div className="dialog-body form">
          <div className="form-row">
            <Field label={t('Name')} error={errors.name}>
              {(props) => (
                <input
                  {...props}
                  className="input"
                  name="name"
                  autoComplete="off"
                  maxLength={120}
                  value={name}
                  onChange={(event) => setName(event.target.value)}
                />
              )}
            </Field>
            {!user && (
              <Field label={t('Email')} error={errors.email}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    name="email"
                    type="email"
                    autoComplete="off"
                    value={email}
                    onChange={(event) => setEmail(event.target.value)}
                  />
                )}
              </Field>
            )}
          </div>
          {!user && (
            <Field
              label={t('Password')}
              error={errors.password}
              hint={t('At least {count} characters.', { count: MIN_PASSWORD_LENGTH })}
            >
              {(props) => (
                <input
                  {...props}
                  className="input"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                />
              )}
            </Field>
          )}
          <div className="form-row">
            <Field label={t('Role')} hint={ROLE_DESCRIPTIONS[role]}>
              {(props) => (
                <select
                  {...props}
                  className="input select"
                  name="role"
                  value={role}
                  onChange={(event) => setRole(event.target.value as Role)}
                >
                  {roles.map((item) => (
                    <option key={item} value={item}>
                      {ROLE_LABELS[item]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              label={t('Chat capacity')}
              error={errors.capacity}
              hint={t('Conversations they can handle at once.')}
            >
              {(props) => (
                <input
                  {...props}
                  className="input"
                  name="capacity"
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={MAX_CAPACITY}
                  value={capacity}
                  onChange={(event) => setCapacity(event.target.value)}
                />
              )}
            </Field>
          </div>
          {user && (
            <Field label={t('Status')} hint={t('Only online agents are offered new chats.')}>
              {(props) => (
                <select
                  {...props}
                  className="input select"
                  name="status"
                  value={status}
                  onChange={(event) => setStatus(event.target.value as AgentStatus)}
                >
                  {STATUSES.map((item) => (
                    <option key={item} value={item}>
                      {STATUS_LABELS[item]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <SkillPicker
            legend={t('Skills')}
            hint={t('Chats queued on these skills can be routed to them.')}
            skills={skills}
            selected={skillIds}
            onChange={setSkillIds}
            emptyText={t('No skills yet. Create skills under Settings › Skills, then assign them here.')}
          />
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Saving…') : user ? t('Save changes') : t('Create member')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
