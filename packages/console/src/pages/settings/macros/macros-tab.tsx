/** Settings › Macros: named sets of actions agents run on a chat with one click or the m key; shared or one's own. */
import { useState } from 'react';
import { deleteMacro, listMacros, type Macro } from '../../../api/macros.ts';
import { listSkills } from '../../../api/skills.ts';
import { listUsers } from '../../../api/users.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ConversationsIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { macroSummary } from '../../../components/macro-summary.ts';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { canManage, useSession } from '../../../session/session-context.tsx';
import { MacroFormDialog } from './macro-form-dialog.tsx';
import './macros.css';

type Editing = { kind: 'create' } | { kind: 'edit'; item: Macro } | { kind: 'delete'; item: Macro } | null;

const byName = (a: Macro, b: Macro) => a.name.localeCompare(b.name);

export function MacrosTab() {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const list = useResource(listMacros);
  const skills = useResource(listSkills);
  const users = useResource(listUsers);
  const [editing, setEditing] = useState<Editing>(null);
  const names = {
    skill: (id: string) => skills.data?.find((s) => s.id === id)?.name ?? null,
    user: (id: string) => users.data?.find((u) => u.id === id)?.name ?? null,
  };
  const mayChange = (m: Macro) => (m.shared ? manager : m.ownerId === user.id);

  function saved(item: Macro) {
    list.update((items) =>
      (items.some((x) => x.id === item.id)
        ? items.map((x) => (x.id === item.id ? item : x))
        : [...items, item]
      ).sort(byName),
    );
    setEditing(null);
  }

  const newButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      <PlusIcon />
      {t('New macro')}
    </button>
  );

  return (
    <section aria-labelledby="macros-heading">
      <SectionHeader
        title={t('Macros')}
        id="macros-heading"
        description={t(
          'A macro does several things at once: it replies, adds tags, sets the status or snoozes, and assigns to a skill or a colleague. Run one in a chat with the Macros button or the {key} key.',
          { key: 'm' },
        )}
        actions={list.data && list.data.length > 0 ? newButton : null}
      />
      {list.loading && !list.data ? (
        <LoadingState label={t('Loading macros…')} />
      ) : list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.data && list.data.length === 0 ? (
        <EmptyState
          icon={<ConversationsIcon />}
          title={t('No macros yet')}
          testId="macros-empty"
          actions={newButton}
        >
          <p>
            {t(
              'Save the steps you repeat — answer a refund request, tag it, mark it pending and hand it to billing — and run them with one key.',
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table macros-table" data-testid="macros-table">
            <thead>
              <tr>
                <th scope="col">{t('Name')}</th>
                <th scope="col">{t('What it does')}</th>
                <th scope="col">{t('Reply')}</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">{t('Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data?.map((item) => (
                <tr key={item.id} data-testid="macro-row">
                  <th scope="row" className="cell-strong">
                    {item.name}
                    <div>
                      <span className={item.shared ? 'macro-scope' : 'macro-scope macro-scope-own'}>
                        {item.shared ? t('Shared') : t('Yours')}
                      </span>
                    </div>
                  </th>
                  <td data-label={t('What it does')}>
                    <span className="chips">
                      {macroSummary(item.actions, names).map((part) => (
                        <span key={part} className="chip">
                          {part}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td className="macro-reply-cell" data-label={t('Reply')}>
                    {item.actions.reply ?? <span className="muted">—</span>}
                  </td>
                  <td className="cell-actions">
                    {mayChange(item) && (
                      <>
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => setEditing({ kind: 'edit', item })}
                          aria-label={t('Edit {name}', { name: item.name })}
                        >
                          {t('Edit')}
                        </button>
                        <button
                          type="button"
                          className="button button-small button-danger-quiet"
                          onClick={() => setEditing({ kind: 'delete', item })}
                          aria-label={t('Delete {name}', { name: item.name })}
                        >
                          {t('Delete')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {(editing?.kind === 'create' || editing?.kind === 'edit') && (
        <MacroFormDialog
          item={editing.kind === 'edit' ? editing.item : undefined}
          manager={manager}
          skills={skills.data ?? []}
          users={(users.data ?? []).filter((u) => u.role !== 'analyst')}
          onSaved={saved}
          onClose={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Delete {name}?', { name: editing.item.name })}
          confirmLabel={t('Delete macro')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteMacro(editing.item.id);
            const id = editing.item.id;
            list.update((items) => items.filter((x) => x.id !== id));
          }}
        >
          <p>{t('Agents can no longer run it. What it did in past chats stays as it was.')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
