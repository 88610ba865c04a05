/** Settings › API keys: keys for server-to-server calls; only their prefix is ever shown again. */
import { useState } from 'react';
import { listApiKeys, revokeApiKey } from '../../../api/api-keys.ts';
import type { ApiKey, CreatedApiKey } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatDate, formatDateTime, formatRelative } from '../../../components/format.ts';
import { KeyIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { CreateApiKeyDialog } from './create-api-key-dialog.tsx';

type Editing = { kind: 'create' } | { kind: 'revoke'; key: ApiKey } | null;

export function ApiKeysTab() {
  const t = useT();
  const keys = useResource(listApiKeys);
  const [editing, setEditing] = useState<Editing>(null);

  function created(key: CreatedApiKey) {
    const { key: _secret, ...listed } = key;
    keys.update((list) => [...list, listed]);
  }

  const newKeyButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      <PlusIcon />
      {t('New API key')}
    </button>
  );

  return (
    <section aria-labelledby="api-keys-heading">
      <SectionHeader
        title={t('API keys')}
        id="api-keys-heading"
        description={t('For your servers to call the Beckon API as this account, with {header}.', {
          header: 'Authorization: Bearer <key>',
        })}
        actions={keys.data && keys.data.length > 0 ? newKeyButton : null}
      />
      {keys.loading && !keys.data ? (
        <LoadingState label={t('Loading API keys…')} />
      ) : keys.error ? (
        <LoadError error={keys.error} onRetry={keys.reload} />
      ) : keys.data && keys.data.length === 0 ? (
        <EmptyState
          icon={<KeyIcon />}
          title={t('No API keys')}
          testId="api-keys-empty"
          actions={newKeyButton}
        >
          <p>
            {t(
              'Create a key when a server of yours needs to send events, read reports or manage this account through the API. Each key is shown once, when you create it.',
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="api-key-table">
            <thead>
              <tr>
                <th scope="col">{t('Name')}</th>
                <th scope="col">{t('Key')}</th>
                <th scope="col">{t('Created')}</th>
                <th scope="col">{t('Last used')}</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">{t('Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data?.map((key) => (
                <tr key={key.id} data-testid="api-key-row" data-api-key-id={key.id}>
                  <th scope="row" className="cell-strong">
                    {key.name}
                  </th>
                  <td data-label={t('Key')}>
                    <code className="key-pill">{key.prefix}…</code>
                  </td>
                  <td data-label={t('Created')}>{formatDate(key.createdAt)}</td>
                  <td data-label={t('Last used')}>
                    {key.lastUsedAt ? (
                      <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
                        {formatRelative(key.lastUsedAt)}
                      </time>
                    ) : (
                      <span className="muted">{t('Never')}</span>
                    )}
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      onClick={() => setEditing({ kind: 'revoke', key })}
                      aria-label={t('Revoke {name}', { name: key.name })}
                    >
                      {t('Revoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {editing?.kind === 'create' && (
        <CreateApiKeyDialog onCreated={created} onClose={() => setEditing(null)} />
      )}
      {editing?.kind === 'revoke' && (
        <ConfirmDialog
          title={t('Revoke {name}?', { name: editing.key.name })}
          confirmLabel={t('Revoke key')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await revokeApiKey(editing.key.id);
            keys.update((list) => list.filter((item) => item.id !== editing.key.id));
          }}
        >
          <p>{t('Anything still using this key gets 401 errors from then on. This cannot be undone.')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
