/** Settings › Orders: shops' order webhooks per site, and how to pass the visitor id through checkout. */
import { useState } from 'react';
import { type CommerceReceiver, deleteReceiver, listReceivers } from '../../../api/commerce.ts';
import { listSites } from '../../../api/sites.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { CopyButton } from '../../../components/copy-button.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatNumber, formatRelative } from '../../../components/format.ts';
import { LayersIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { PLATFORM_NAMES, SNIPPETS, snippetText } from './checkout-snippets.ts';
import { ConnectShopDialog } from './connect-shop-dialog.tsx';
import './orders.css';

type Editing = { kind: 'connect' } | { kind: 'remove'; receiver: CommerceReceiver } | null;

export function OrdersTab() {
  const t = useT();
  const receivers = useResource(listReceivers);
  const sites = useResource(listSites);
  const [editing, setEditing] = useState<Editing>(null);
  const siteName = (id: string) => sites.data?.find((s) => s.id === id)?.name ?? id;

  const connectButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'connect' })}>
      <PlusIcon />
      {t('Connect a shop')}
    </button>
  );

  return (
    <section aria-labelledby="orders-heading">
      <SectionHeader
        title={t('Orders from your shop')}
        id="orders-heading"
        description={t(
          "Purchase tags miss orders (ad blockers, closed tabs, payment redirects). A shop's order webhook fills the gap; an order both saw counts once.",
        )}
        actions={receivers.data && receivers.data.length > 0 ? connectButton : null}
      />
      {(receivers.loading && !receivers.data) || (sites.loading && !sites.data) ? (
        <LoadingState label={t('Loading shops…')} />
      ) : receivers.error || sites.error ? (
        <LoadError error={receivers.error ?? sites.error} onRetry={receivers.reload} />
      ) : receivers.data && receivers.data.length === 0 ? (
        <EmptyState
          icon={<LayersIcon />}
          title={t('No shop connected')}
          testId="orders-empty"
          actions={connectButton}
        >
          <p>
            {t(
              'Connect Shopify or WooCommerce to count every paid order, even when the tag never saw the thank-you page.',
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="receiver-table">
            <thead>
              <tr>
                <th scope="col">{t('Shop')}</th>
                <th scope="col">{t('Site')}</th>
                <th scope="col">{t('Receiver URL')}</th>
                <th scope="col">{t('Secret')}</th>
                <th scope="col">{t('Orders')}</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">{t('Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {receivers.data?.map((r) => (
                <tr key={r.id} data-testid="receiver-row">
                  <th scope="row" className="cell-strong">
                    {PLATFORM_NAMES[r.platform]}
                  </th>
                  <td data-label={t('Site')}>{siteName(r.siteId)}</td>
                  <td data-label={t('Receiver URL')}>
                    <span className="secret">
                      <code className="secret-value" data-testid="receiver-url">
                        {r.receiverUrl}
                      </code>
                      <CopyButton
                        text={r.receiverUrl}
                        label={t('Copy URL')}
                        className="button button-small"
                      />
                    </span>
                  </td>
                  <td data-label={t('Secret')}>
                    <code className="key-pill">…{r.secretHint}</code>
                  </td>
                  <td data-label={t('Orders')}>
                    {formatNumber(r.orders)}
                    {r.lastOrderAt && (
                      <span className="muted">
                        {' · '}
                        {t('last {when}', { when: formatRelative(r.lastOrderAt) })}
                      </span>
                    )}
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      aria-label={t('Disconnect {shop} from {site}', {
                        shop: PLATFORM_NAMES[r.platform],
                        site: siteName(r.siteId),
                      })}
                      onClick={() => setEditing({ kind: 'remove', receiver: r })}
                    >
                      {t('Disconnect')}
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
        title={t('Pass the visitor id through checkout')}
        id="checkout-heading"
        description={t(
          "{call} gives the page its visitor's id. Put it on the order, and the order is attributed to the visit and its campaigns.",
          { call: "beckon('visitorId')" },
        )}
      />
      {(['shopify', 'woocommerce', 'api'] as const).map((k) => {
        const s = { ...SNIPPETS[k], ...snippetText(k) };
        const code = s.code.replace('https://BECKON_HOST', window.location.origin);
        return (
          <section key={k} className="snippet" aria-label={s.title} data-testid={`checkout-snippet-${k}`}>
            <div className="snippet-header">
              <div>
                <h3 className="snippet-title">{s.title}</h3>
                <p className="snippet-hint">{s.hint}</p>
              </div>
              <CopyButton text={code} label={t('Copy snippet')} />
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
          title={t('Disconnect {shop}?', { shop: PLATFORM_NAMES[editing.receiver.platform] })}
          confirmLabel={t('Disconnect')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteReceiver(editing.receiver.id);
            receivers.update((list) => list.filter((x) => x.id !== editing.receiver.id));
          }}
        >
          <p>
            {t("The shop's next order webhooks get 404 and are not counted. Orders already received stay.")}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
