/** Settings › Canned responses: the replies agents insert with "/shortcut"; owners and admins keep them. */
import { useState } from 'react';
import {
  type CannedResponse,
  deleteCannedResponse,
  listCannedResponses,
} from '../../../api/canned-responses.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ConversationsIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { canManage, useSession } from '../../../session/session-context.tsx';
import { CannedFormDialog } from './canned-form-dialog.tsx';
import './canned.css';

type Editing =
  | { kind: 'create' }
  | { kind: 'edit'; item: CannedResponse }
  | { kind: 'delete'; item: CannedResponse }
  | null;

const byShortcut = (a: CannedResponse, b: CannedResponse) => a.shortcut.localeCompare(b.shortcut);

export function CannedTab() {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const list = useResource(listCannedResponses);
  const [editing, setEditing] = useState<Editing>(null);

  function saved(item: CannedResponse) {
    list.update((items) =>
      (items.some((x) => x.id === item.id)
        ? items.map((x) => (x.id === item.id ? item : x))
        : [...items, item]
      ).sort(byShortcut),
    );
    setEditing(null);
  }

  const newButton = manager && (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      <PlusIcon />
      {t('New response')}
    </button>
  );

  return (
    <section aria-labelledby="canned-heading">
      <SectionHeader
        title={t('Canned responses')}
        id="canned-heading"
        description={
          manager
            ? t(
                'Saved replies your agents insert by typing / and the shortcut in a chat. Variables such as {example} are filled in before sending.',
                { example: '{visitor.name}' },
              )
            : t(
                'Saved replies you insert by typing / and the shortcut in a chat. Owners and admins keep this list.',
              )
        }
        actions={list.data && list.data.length > 0 ? newButton : null}
      />
      {list.loading && !list.data ? (
        <LoadingState label={t('Loading canned responses…')} />
      ) : list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.data && list.data.length === 0 ? (
        <EmptyState
          icon={<ConversationsIcon />}
          title={t('No canned responses yet')}
          testId="canned-empty"
          actions={newButton}
        >
          <p>
            {t(
              'Save the answers your team types every day — greetings, shipping times, the returns policy — and agents insert them with a shortcut.',
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table canned-table" data-testid="canned-table">
            <thead>
              <tr>
                <th scope="col">{t('Shortcut')}</th>
                <th scope="col">{t('Title')}</th>
                <th scope="col">{t('Text')}</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">{t('Actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {list.data?.map((item) => (
                <tr key={item.id} data-testid="canned-row">
                  <td data-label={t('Shortcut')}>
                    <code className="canned-code">/{item.shortcut}</code>
                  </td>
                  <th scope="row" className="cell-strong">
                    {item.title}
                  </th>
                  <td className="canned-text-cell">{item.text}</td>
                  {manager && (
                    <td className="cell-actions">
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => setEditing({ kind: 'edit', item })}
                        aria-label={t('Edit /{shortcut}', { shortcut: item.shortcut })}
                      >
                        {t('Edit')}
                      </button>
                      <button
                        type="button"
                        className="button button-small button-danger-quiet"
                        onClick={() => setEditing({ kind: 'delete', item })}
                        aria-label={t('Delete /{shortcut}', { shortcut: item.shortcut })}
                      >
                        {t('Delete')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {(editing?.kind === 'create' || editing?.kind === 'edit') && (
        <CannedFormDialog
          item={editing.kind === 'edit' ? editing.item : undefined}
          onSaved={saved}
          onClose={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Delete /{shortcut}?', { shortcut: editing.item.shortcut })}
          confirmLabel={t('Delete response')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteCannedResponse(editing.item.id);
            const id = editing.item.id;
            list.update((items) => items.filter((x) => x.id !== id));
          }}
        >
          <p>
            {t('Agents can no longer insert “{title}”. Messages already sent keep their text.', {
              title: editing.item.title,
            })}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
