/** Settings › Orders: shops' order webhooks per site, and how to pass the visitor id through checkout. */
import { useState } from 'react';
import { type CommerceReceiver, deleteReceiver, listReceivers } from '../../../api/commerce.ts';
import { listSites } from '../../../api/sites.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { CopyButton } from '../../../components/copy-button.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatRelative } from '../../../components/format.ts';
import { LayersIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { PLATFORM_NAMES, SNIPPETS } from './checkout-snippets.ts';
import { ConnectShopDialog } from './connect-shop-dialog.tsx';
import './orders.css';

type Editing = { kind: 'connect' } | { kind: 'remove'; receiver: CommerceReceiver } | null;

export function OrdersTab() {
  const receivers = useResource(listReceivers);
  const sites = useResource(listSites);
  const [editing, setEditing] = useState<Editing>(null);
  const siteName = (id: string) => sites.data?.find((s) => s.id === id)?.name ?? id;

  const connectButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'connect' })}>
      <PlusIcon />
      Connect a shop
    </button>
  );

  return (
    <section aria-labelledby="orders-heading">
      <SectionHeader
        title="Orders from your shop"
        id="orders-heading"
        description="Purchase tags miss orders (ad blockers, closed tabs, payment redirects). A shop's order webhook fills the gap; an order both saw counts once."
        actions={receivers.data && receivers.data.length > 0 ? connectButton : null}
      />
      {(receivers.loading && !receivers.data) || (sites.loading && !sites.data) ? (
        <LoadingState label="Loading shops…" />
      ) : receivers.error || sites.error ? (
        <LoadError error={receivers.error ?? sites.error} onRetry={receivers.reload} />
      ) : receivers.data && receivers.data.length === 0 ? (
        <EmptyState
          icon={<LayersIcon />}
          title="No shop connected"
          testId="orders-empty"
          actions={connectButton}
        >
          <p>
            Connect Shopify or WooCommerce to count every paid order, even when the tag never saw the
            thank-you page.
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="receiver-table">
            <thead>
              <tr>
                <th scope="col">Shop</th>
                <th scope="col">Site</th>
                <th scope="col">Receiver URL</th>
                <th scope="col">Secret</th>
                <th scope="col">Orders</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {receivers.data?.map((r) => (
                <tr key={r.id} data-testid="receiver-row">
                  <th scope="row" className="cell-strong">
                    {PLATFORM_NAMES[r.platform]}
                  </th>
                  <td data-label="Site">{siteName(r.siteId)}</td>
                  <td data-label="Receiver URL">
                    <span className="secret">
                      <code className="secret-value" data-testid="receiver-url">
                        {r.receiverUrl}
                      </code>
                      <CopyButton text={r.receiverUrl} label="Copy URL" className="button button-small" />
                    </span>
                  </td>
                  <td data-label="Secret">
                    <code className="key-pill">…{r.secretHint}</code>
                  </td>
                  <td data-label="Orders">
                    {r.orders}
                    {r.lastOrderAt && <span className="muted"> · last {formatRelative(r.lastOrderAt)}</span>}
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      aria-label={`Disconnect ${PLATFORM_NAMES[r.platform]} from ${siteName(r.siteId)}`}
                      onClick={() => setEditing({ kind: 'remove', receiver: r })}
                    >
                      Disconnect
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className="orders-gap" />
      <SectionHeader
        title="Pass the visitor id through checkout"
        id="checkout-heading"
        description="beckon('visitorId') gives the page its visitor's id. Put it on the order, and the order is attributed to the visit and its campaigns."
      />
      {(['shopify', 'woocommerce', 'api'] as const).map((k) => {
        const s = SNIPPETS[k];
        const code = s.code.replace('https://BECKON_HOST', window.location.origin);
        return (
          <section key={k} className="snippet" aria-label={s.title} data-testid={`checkout-snippet-${k}`}>
            <div className="snippet-header">
              <div>
                <h3 className="snippet-title">{s.title}</h3>
                <p className="snippet-hint">{s.hint}</p>
              </div>
              <CopyButton text={code} label="Copy snippet" />
            </div>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the code block scrolls sideways, so it must be reachable by keyboard. */}
            <pre className="code-block" tabIndex={0}>
              <code>{code}</code>
            </pre>
          </section>
        );
      })}

      {editing?.kind === 'connect' && (
        <ConnectShopDialog
          sites={sites.data ?? []}
          onCreated={(made) => receivers.update((list) => [...list, made.receiver])}
          onClose={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'remove' && (
        <ConfirmDialog
          title={`Disconnect ${PLATFORM_NAMES[editing.receiver.platform]}?`}
          confirmLabel="Disconnect"
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteReceiver(editing.receiver.id);
            receivers.update((list) => list.filter((x) => x.id !== editing.receiver.id));
          }}
        >
          <p>The shop's next order webhooks get 404 and are not counted. Orders already received stay.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
