/**
 * The e-mail channel: which addresses reach which site, where a provider forwards mail, and
 * whether replies can leave by e-mail at all (an outgoing relay is set on the server).
 */
import { type FormEvent, useState } from 'react';
import {
  addEmailAddress,
  type EmailAddress,
  getEmailSettings,
  removeEmailAddress,
} from '../../../api/channels.ts';
import { errorMessage } from '../../../api/http.ts';
import type { Site } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { formatDate } from '../../../components/format.ts';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { type Resource, useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { InboundWebhook } from './inbound-webhook.tsx';

/** The server's own check, so a typo is caught before the request. `*@domain` takes the whole domain. */
const ADDRESS = /^(\*|[^\s@]{1,64})@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

export function EmailSection({ sites }: { sites: Resource<Site[]> }) {
  const t = useT();
  const email = useResource(getEmailSettings);
  const [removing, setRemoving] = useState<EmailAddress | null>(null);
  const siteName = (id: string) => sites.data?.find((s) => s.id === id)?.name ?? id;

  return (
    <section className="card channel-card" aria-labelledby="email-heading" data-testid="email-settings">
      <div className="channel-card-body">
        <SectionHeader
          title={t('E-mail')}
          id="email-heading"
          description={t(
            "Customers write to a site's address; their mail becomes a conversation in the inbox, and agents answer in the same composer.",
          )}
        />
        {email.loading && !email.data ? (
          <LoadingState label={t('Loading e-mail settings…')} />
        ) : email.error ? (
          <LoadError error={email.error} onRetry={email.reload} />
        ) : email.data ? (
          <>
            <dl className="facts channel-facts">
              <div className="fact">
                <dt>{t('Mail domain')}</dt>
                <dd className="mono">{email.data.domain}</dd>
              </div>
              <div className="fact">
                <dt>{t('SMTP listener')}</dt>
                <dd data-testid="smtp-listener">
                  {email.data.smtpPort === null ? (
                    <span className="muted">{t('Off — mail arrives only through the webhook below')}</span>
                  ) : (
                    t('On, port {port}', { port: String(email.data.smtpPort) })
                  )}
                </dd>
              </div>
              <div className="fact">
                <dt>{t('Outgoing mail')}</dt>
                <dd data-testid="outgoing-relay">
                  {email.data.outgoing ? (
                    t('Relay configured')
                  ) : (
                    <span className="warning-text">
                      {t('Not configured — replies cannot be sent by e-mail')}
                    </span>
                  )}
                </dd>
              </div>
            </dl>
            <h3 className="channel-subtitle">{t('Inbound addresses')}</h3>
            {email.data.addresses.length === 0 ? (
              <p className="muted" data-testid="email-addresses-empty">
                {t('No address yet. Give a site one below; mail to other addresses is refused.')}
              </p>
            ) : (
              <div className="table-wrap">
                <table className="table table-compact" data-testid="email-addresses">
                  <thead>
                    <tr>
                      <th scope="col">{t('Address')}</th>
                      <th scope="col">{t('Site')}</th>
                      <th scope="col">{t('Added')}</th>
                      <th scope="col" className="cell-actions">
                        <span className="visually-hidden">{t('Actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {email.data.addresses.map((a) => (
                      <tr key={a.address} data-testid="email-address-row">
                        <th scope="row" className="mono">
                          {a.address}
                        </th>
                        <td data-label={t('Site')}>{siteName(a.siteId)}</td>
                        <td data-label={t('Added')}>{formatDate(new Date(a.createdAt).toISOString())}</td>
                        <td className="cell-actions">
                          <button
                            type="button"
                            className="button button-small button-danger-quiet"
                            aria-label={t('Remove {name}', { name: a.address })}
                            onClick={() => setRemoving(a)}
                          >
                            {t('Remove')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <AddAddressForm
              sites={sites.data ?? []}
              domain={email.data.domain}
              onAdded={(a) =>
                email.update((s) => ({
                  ...s,
                  addresses: [...s.addresses.filter((x) => x.address !== a.address), a],
                }))
              }
            />
            <InboundWebhook inbound={email.data.inbound} />
            <p className="snippet-hint">
              {t(
                'Setting up a real domain (MX record, provider webhook, outgoing relay) is described step by step in the e-mail guide, docs/email.md, shipped with Beckon.',
              )}
            </p>
          </>
        ) : null}
      </div>
      {removing && (
        <ConfirmDialog
          title={t('Stop receiving at {address}?', { address: removing.address })}
          confirmLabel={t('Remove address')}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await removeEmailAddress(removing.address);
            email.update((s) => ({
              ...s,
              addresses: s.addresses.filter((x) => x.address !== removing.address),
            }));
          }}
        >
          <p>
            {t(
              'New mail to it is refused. Conversations that came in through it stay, and customers can still answer them through their reply address.',
            )}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function AddAddressForm({
  sites,
  domain,
  onAdded,
}: {
  sites: Site[];
  domain: string;
  onAdded: (a: EmailAddress) => void;
}) {
  const t = useT();
  const [siteId, setSiteId] = useState('');
  const [address, setAddress] = useState('');
  const [fault, setFault] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = siteId || sites[0]?.id || '';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = address.trim().toLowerCase();
    const problem = !value
      ? t('Enter the address customers write to.')
      : !ADDRESS.test(value)
        ? t('Enter a whole address, such as support@{domain}.', { domain })
        : null;
    setFault(problem);
    if (problem || !chosen) return;
    setBusy(true);
    setError(null);
    try {
      onAdded(await addEmailAddress(chosen, value));
      setAddress('');
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  if (sites.length === 0)
    return <p className="muted">{t('Create a site first; each address belongs to a site.')}</p>;
  return (
    <form
      className="channel-inline-form"
      onSubmit={submit}
      noValidate
      aria-label={t('Add an inbound address')}
    >
      <Field
        label={t('New address')}
        error={fault}
        hint={t('For example support@{domain}; *@{domain} takes every address.', { domain })}
      >
        {(props) => (
          <input
            {...props}
            className="input"
            name="address"
            type="email"
            autoComplete="off"
            maxLength={254}
            value={address}
            onChange={(event) => setAddress(event.target.value)}
          />
        )}
      </Field>
      <Field label={t('Site')}>
        {(props) => (
          <select
            {...props}
            className="input select"
            name="siteId"
            value={chosen}
            onChange={(event) => setSiteId(event.target.value)}
          >
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('Adding…') : t('Add address')}
      </button>
      <div className="channel-inline-error">
        <FormError message={error} />
      </div>
    </form>
  );
}
