/** Settings › Team: everyone who can log in to this account, their role, skills, capacity and status; then the bots. */
import { useState } from 'react';
import { listSkills } from '../../../api/skills.ts';
import type { User } from '../../../api/types.ts';
import { deleteUser, listUsers } from '../../../api/users.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatNumber } from '../../../components/format.ts';
import { PlusIcon, TeamIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { initials, ROLE_LABELS, STATUS_LABELS } from '../../../components/people.ts';
import { NameChips, skillNames } from '../../../components/skill-picker.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { canManage, useSession } from '../../../session/session-context.tsx';
import { AwayReasonsCard } from './away-reasons-card.tsx';
import { ResetPasswordDialog } from './reset-password-dialog.tsx';
import { TeamBots } from './team-bots.tsx';
import { UserFormDialog } from './user-form-dialog.tsx';

type Editing =
  | { kind: 'create' }
  | { kind: 'edit'; user: User }
  | { kind: 'password'; user: User }
  | { kind: 'delete'; user: User }
  | null;

export function TeamTab() {
  const t = useT();
  const { user: me } = useSession();
  const manager = canManage(me.role);
  const users = useResource(listUsers);
  const skills = useResource(listSkills);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);

  function saved(user: User) {
    users.update((list) =>
      list.some((item) => item.id === user.id)
        ? list.map((item) => (item.id === user.id ? user : item))
        : [...list, user],
    );
    setNotice(null);
    setEditing(null);
  }

  return (
    <section aria-labelledby="team-heading">
      <SectionHeader
        title={t('Team')}
        id="team-heading"
        description={t(
          'Agents answer chats on their skills, up to their capacity. Admins and owners manage the account; analysts read reports.',
        )}
        actions={
          manager && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => setEditing({ kind: 'create' })}
            >
              <PlusIcon />
              {t('Add member')}
            </button>
          )
        }
      />
      {notice && (
        <div className="alert alert-success" role="status">
          {notice}
        </div>
      )}
      {users.loading && !users.data ? (
        <LoadingState label={t('Loading team…')} />
      ) : users.error ? (
        <LoadError error={users.error} onRetry={users.reload} />
      ) : users.data && users.data.length === 0 ? (
        <EmptyState icon={<TeamIcon />} title={t('No team members')} testId="team-empty">
          <p>{t('Add the people who will answer chats, manage campaigns or read reports.')}</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table team-table" data-testid="user-table">
            <thead>
              <tr>
                <th scope="col">{t('Member')}</th>
                <th scope="col">{t('Role')}</th>
                <th scope="col">{t('Skills')}</th>
                <th scope="col" className="cell-number">
                  {t('Capacity')}
                </th>
                <th scope="col">{t('Status')}</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">{t('Actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {users.data?.map((user) => {
                const names = skillNames(user.skillIds, skills.data);
                const isMe = user.id === me.id;
                return (
                  <tr key={user.id} data-testid="user-row" data-user-id={user.id}>
                    <th scope="row">
                      <span className="cell-person">
                        <span className="avatar avatar-small" aria-hidden="true">
                          {initials(user.name)}
                        </span>
                        <span className="person">
                          <span className="cell-strong">
                            {user.name}
                            {isMe && <span className="you">{t('you')}</span>}
                          </span>
                          <span className="muted person-email">{user.email}</span>
                        </span>
                      </span>
                    </th>
                    <td data-label={t('Role')}>
                      <span className={`role role-${user.role}`}>{ROLE_LABELS[user.role]}</span>
                    </td>
                    <td data-label={t('Skills')}>
                      <NameChips names={names} empty={t('None')} />
                    </td>
                    <td className="cell-number" data-label={t('Capacity')}>
                      {formatNumber(user.capacity)}
                    </td>
                    <td data-label={t('Status')}>
                      <span className={`status status-${user.status}`}>
                        {STATUS_LABELS[user.status]}
                        {user.awayReason ? ` · ${user.awayReason}` : ''}
                      </span>
                    </td>
                    {manager && (
                      <td className="cell-actions">
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setEditing({ kind: 'edit', user })}
                          aria-label={t('Edit {name}', { name: user.name })}
                        >
                          {t('Edit')}
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setEditing({ kind: 'password', user })}
                          aria-label={t('Reset password for {name}', { name: user.name })}
                        >
                          {t('Reset password')}
                        </button>
                        {!isMe && (
                          <button
                            type="button"
                            className="button button-small button-danger-quiet"
                            onClick={() => setEditing({ kind: 'delete', user })}
                            aria-label={t('Delete {name}', { name: user.name })}
                          >
                            {t('Delete')}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <TeamBots skills={skills.data} manager={manager} />

      <AwayReasonsCard manager={manager} />

      {(editing?.kind === 'create' || editing?.kind === 'edit') && (
        <UserFormDialog
          user={editing.kind === 'edit' ? editing.user : undefined}
          skills={skills.data ?? []}
          currentRole={me.role}
          onSaved={saved}
          onClose={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'password' && (
        <ResetPasswordDialog
          user={editing.user}
          self={editing.user.id === me.id}
          onClose={() => setEditing(null)}
          onDone={() => {
            setNotice(
              editing.user.id === me.id
                ? t('Your password was changed. Your other sessions were signed out.')
                : t('The password of {name} was reset.', { name: editing.user.name }),
            );
            setEditing(null);
          }}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Remove {name}?', { name: editing.user.name })}
          confirmLabel={t('Delete member')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteUser(editing.user.id);
            users.update((list) => list.filter((item) => item.id !== editing.user.id));
          }}
        >
          <p>
            {t('{email} will no longer be able to log in to this account. This cannot be undone.', {
              email: editing.user.email,
            })}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
