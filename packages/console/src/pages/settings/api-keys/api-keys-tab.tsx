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
import { CreateApiKeyDialog } from './create-api-key-dialog.tsx';

type Editing = { kind: 'create' } | { kind: 'revoke'; key: ApiKey } | null;

export function ApiKeysTab() {
  const keys = useResource(listApiKeys);
  const [editing, setEditing] = useState<Editing>(null);

  function created(key: CreatedApiKey) {
    const { key: _secret, ...listed } = key;
    keys.update((list) => [...list, listed]);
  }

  const newKeyButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      <PlusIcon />
      New API key
    </button>
  );

  return (
    <section aria-labelledby="api-keys-heading">
      <SectionHeader
        title="API keys"
        id="api-keys-heading"
        description="For your servers to call the Beckon API as this account, with Authorization: Bearer <key>."
        actions={keys.data && keys.data.length > 0 ? newKeyButton : null}
      />
      {keys.loading && !keys.data ? (
        <LoadingState label="Loading API keys…" />
      ) : keys.error ? (
        <LoadError error={keys.error} onRetry={keys.reload} />
      ) : keys.data && keys.data.length === 0 ? (
        <EmptyState icon={<KeyIcon />} title="No API keys" testId="api-keys-empty" actions={newKeyButton}>
          <p>
            Create a key when a server of yours needs to send events, read reports or manage this account
            through the API. Each key is shown once, when you create it.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="api-key-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data?.map((key) => (
                <tr key={key.id} data-testid="api-key-row" data-api-key-id={key.id}>
                  <th scope="row" className="cell-strong">
                    {key.name}
                  </th>
                  <td data-label="Key">
                    <code className="key-pill">{key.prefix}…</code>
                  </td>
                  <td data-label="Created">{formatDate(key.createdAt)}</td>
                  <td data-label="Last used">
                    {key.lastUsedAt ? (
                      <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
                        {formatRelative(key.lastUsedAt)}
                      </time>
                    ) : (
                      <span className="muted">Never</span>
                    )}
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      onClick={() => setEditing({ kind: 'revoke', key })}
                      aria-label={`Revoke ${key.name}`}
                    >
                      Revoke
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
          title={`Revoke ${editing.key.name}?`}
          confirmLabel="Revoke key"
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await revokeApiKey(editing.key.id);
            keys.update((list) => list.filter((item) => item.id !== editing.key.id));
          }}
        >
          <p>Anything still using this key gets 401 errors from then on. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
