/** Connect a shop's order webhook to a site: the platform, the site, and the secret it signs with. */
import { type FormEvent, useState } from 'react';
import {
  type CommercePlatform,
  type CommerceReceiverCreated,
  createReceiver,
} from '../../../api/commerce.ts';
import { errorMessage } from '../../../api/http.ts';
import type { Site } from '../../../api/types.ts';
import { CopyButton } from '../../../components/copy-button.tsx';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { PLATFORM_NAMES } from './checkout-snippets.ts';

interface ConnectShopDialogProps {
  sites: Site[];
  onCreated: (created: CommerceReceiverCreated) => void;
  onClose: () => void;
}

export function ConnectShopDialog({ sites, onCreated, onClose }: ConnectShopDialogProps) {
  const t = useT();
  const [platform, setPlatform] = useState<CommercePlatform>('shopify');
  const [siteId, setSiteId] = useState(sites[0]?.id ?? '');
  const [secret, setSecret] = useState('');
  const [secretError, setSecretError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CommerceReceiverCreated | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = secret.trim();
    const problem =
      platform === 'shopify' && !trimmed
        ? t('Enter the secret Shopify signs its webhooks with.')
        : trimmed && trimmed.length < 8
          ? t('A secret has at least {count, plural, one {# character} other {# characters}}.', { count: 8 })
          : null;
    setSecretError(problem);
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      const made = await createReceiver({ siteId, platform, ...(trimmed ? { secret: trimmed } : {}) });
      onCreated(made);
      setCreated(made);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    const r = created.receiver;
    return (
      <Dialog
        title={t('{shop} is connected', { shop: PLATFORM_NAMES[r.platform] })}
        description={t("Add this address as the shop's order webhook.")}
        onClose={onClose}
        testId="shop-connected-dialog"
      >
        <div className="dialog-body form">
          <div className="secret">
            <span className="secret-label">{t('URL')}</span>
            <code className="secret-value">{r.receiverUrl}</code>
            <CopyButton text={r.receiverUrl} label={t('Copy URL')} className="button button-small" />
          </div>
          {created.secret && (
            <div className="secret">
              <span className="secret-label">{t('Secret')}</span>
              <code className="secret-value" data-testid="shop-secret">
                {created.secret}
              </code>
              <CopyButton text={created.secret} label={t('Copy secret')} className="button button-small" />
            </div>
          )}
          <p className="field-hint">
            {r.platform === 'shopify'
              ? t(
                  'Shopify: Settings › Notifications › Webhooks › Create webhook, event “Order creation”, format JSON.',
                )
              : t(
                  'WooCommerce: Settings › Advanced › Webhooks › Add webhook, topic “Order created” (and “Order updated”), API version v3, with this secret. It is shown only now.',
                )}
          </p>
        </div>
        <DialogFooter>
          <button type="button" className="button button-primary" onClick={onClose}>
            {t('Done')}
          </button>
        </DialogFooter>
      </Dialog>
    );
  }

  return (
    <Dialog
      title={t('Connect a shop')}
      description={t(
        "Orders from the shop's webhook count as conversions, once each, beside the tag's purchases.",
      )}
      onClose={onClose}
      busy={busy}
      testId="connect-shop-dialog"
    >
      <form onSubmit={handleSubmit} noValidate>
        <div className="dialog-body form">
          <fieldset className="choice-row">
            <legend className="field-label">{t('Platform')}</legend>
            {(['shopify', 'woocommerce'] as const).map((p) => (
              <label key={p} className="check">
                <input
                  type="radio"
                  name="platform"
                  value={p}
                  checked={platform === p}
                  onChange={() => setPlatform(p)}
                />
                {PLATFORM_NAMES[p]}
              </label>
            ))}
          </fieldset>
          <Field label={t('Site')} hint={t('The site whose visitors buy in this shop.')}>
            {(props) => (
              <select {...props} className="input" value={siteId} onChange={(e) => setSiteId(e.target.value)}>
                {sites.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={platform === 'shopify' ? t('Webhook secret') : t('Webhook secret (optional)')}
            error={secretError}
            hint={
              platform === 'shopify'
                ? t(
                    'Shown by Shopify under the webhook list (“Your webhooks will be signed with …”), or your app’s client secret.',
                  )
                : t('Leave empty and Beckon makes one for you to paste into WooCommerce.')
            }
          >
            {(props) => (
              <input
                {...props}
                className="input mono"
                name="secret"
                type="password"
                autoComplete="off"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
              />
            )}
          </Field>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy || !siteId}>
            {busy ? t('Connecting…') : t('Connect shop')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
