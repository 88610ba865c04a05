/** Settings › Team: everyone who can log in to this account, their role, skills, capacity and status; then the bots. */
import { useState } from 'react';
import { listSkills } from '../../../api/skills.ts';
import type { User } from '../../../api/types.ts';
import { deleteUser, listUsers } from '../../../api/users.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { PlusIcon, TeamIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { initials, ROLE_LABELS, STATUS_LABELS } from '../../../components/people.ts';
import { NameChips, skillNames } from '../../../components/skill-picker.tsx';
import { useResource } from '../../../components/use-resource.ts';
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
        title="Team"
        id="team-heading"
        description="Agents answer chats on their skills, up to their capacity. Admins and owners manage the account; analysts read reports."
        actions={
          manager && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => setEditing({ kind: 'create' })}
            >
              <PlusIcon />
              Add member
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
        <LoadingState label="Loading team…" />
      ) : users.error ? (
        <LoadError error={users.error} onRetry={users.reload} />
      ) : users.data && users.data.length === 0 ? (
        <EmptyState icon={<TeamIcon />} title="No team members" testId="team-empty">
          <p>Add the people who will answer chats, manage campaigns or read reports.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table team-table" data-testid="user-table">
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Skills</th>
                <th scope="col" className="cell-number">
                  Capacity
                </th>
                <th scope="col">Status</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">Actions</span>
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
                            {isMe && <span className="you">you</span>}
                          </span>
                          <span className="muted person-email">{user.email}</span>
                        </span>
                      </span>
                    </th>
                    <td data-label="Role">
                      <span className={`role role-${user.role}`}>{ROLE_LABELS[user.role]}</span>
                    </td>
                    <td data-label="Skills">
                      <NameChips names={names} empty="None" />
                    </td>
                    <td className="cell-number" data-label="Capacity">
                      {user.capacity}
                    </td>
                    <td data-label="Status">
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
                          aria-label={`Edit ${user.name}`}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setEditing({ kind: 'password', user })}
                          aria-label={`Reset password for ${user.name}`}
                        >
                          Reset password
                        </button>
                        {!isMe && (
                          <button
                            type="button"
                            className="button button-small button-danger-quiet"
                            onClick={() => setEditing({ kind: 'delete', user })}
                            aria-label={`Delete ${user.name}`}
                          >
                            Delete
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
                ? 'Your password was changed. Your other sessions were signed out.'
                : `${editing.user.name}'s password was reset.`,
            );
            setEditing(null);
          }}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={`Remove ${editing.user.name}?`}
          confirmLabel="Delete member"
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteUser(editing.user.id);
            users.update((list) => list.filter((item) => item.id !== editing.user.id));
          }}
        >
          <p>{editing.user.email} will no longer be able to log in to this account. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
