/**
 * Messaging opt-ins on the contact page: whether the contact agreed to WhatsApp and SMS messages,
 * how (they wrote first, an admin recorded it, another system through the API) and when. Campaign
 * messages go only to contacts who opted in. Admins record or withdraw an opt-in here.
 */
import { type FormEvent, useCallback, useState } from 'react';
import { errorMessage } from '../../api/http.ts';
import {
  type ConsentChannel,
  type Consents,
  getConsents,
  recordConsent,
  withdrawConsent,
} from '../../api/whatsapp.ts';
import { formatDateTime } from '../../components/format.ts';
import { useResource } from '../../components/use-resource.ts';
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Panel } from '../visitors/visitor-panels.tsx';

const CHANNELS: { channel: ConsentChannel; label: string }[] = [
  { channel: 'whatsapp', label: 'WhatsApp' },
  { channel: 'sms', label: 'SMS' },
];

const SOURCES: Record<string, string> = {
  get customer_message() {
    return t('Wrote to you first');
  },
  get console() {
    return t('Recorded in Beckon');
  },
  get api() {
    return t('Recorded through the API');
  },
};

export function ConsentPanel({ contactId, mayManage }: { contactId: string; mayManage: boolean }) {
  const t = useT();
  const load = useCallback(() => getConsents(contactId), [contactId]);
  const res = useResource(load);
  const [editing, setEditing] = useState<ConsentChannel | null>(null);
  const [detail, setDetail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(work: () => Promise<Consents>) {
    setBusy(true);
    setError(null);
    try {
      const next = await work();
      res.update(() => next);
      setEditing(null);
      setDetail('');
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  function save(event: FormEvent, channel: ConsentChannel) {
    event.preventDefault();
    void run(() => recordConsent(contactId, channel, detail.trim() || undefined));
  }

  return (
    <Panel title={t('Messaging opt-in')} testId="contact-consents">
      {!res.data ? (
        <p className="muted contact-empty-line">{res.error ? errorMessage(res.error) : t('Loading…')}</p>
      ) : (
        <ul className="contact-list-plain consent-list">
          {CHANNELS.map(({ channel, label }) => {
            const c = res.data!.items.find((i) => i.channel === channel);
            const stopped = channel === 'sms' && res.data!.smsOptOut;
            return (
              <li key={channel} className="consent-row" data-testid={`consent-${channel}`}>
                <div className="consent-line">
                  <strong>{label}</strong>
                  {stopped ? (
                    <span className="badge badge-consent-stop">{t('Texted STOP')}</span>
                  ) : c ? (
                    <span className="badge badge-consent-in">{t('Opted in')}</span>
                  ) : (
                    <span className="badge">{t('Not opted in')}</span>
                  )}
                  {mayManage && editing !== channel && (
                    <button
                      type="button"
                      className="link-button consent-action"
                      disabled={busy}
                      onClick={() =>
                        c ? void run(() => withdrawConsent(contactId, channel)) : setEditing(channel)
                      }
                    >
                      {c ? t('Withdraw') : t('Record opt-in')}
                    </button>
                  )}
                </div>
                {c && (
                  <p className="muted consent-source">
                    {SOURCES[c.source] ?? c.source}
                    {c.detail ? ` (${c.detail})` : ''} · {formatDateTime(c.at)}
                  </p>
                )}
                {stopped && (
                  <p className="muted consent-source">
                    {t('No SMS goes to this number until it texts START.')}
                  </p>
                )}
                {editing === channel && (
                  <form className="consent-form" onSubmit={(e) => save(e, channel)}>
                    <input
                      className="input"
                      aria-label={t('Where the {channel} opt-in was given', { channel: label })}
                      placeholder={t('Where it was given (checkout form, phone call…)')}
                      maxLength={200}
                      value={detail}
                      onChange={(e) => setDetail(e.target.value)}
                    />
                    <button type="submit" className="button button-small button-primary" disabled={busy}>
                      {t('Save')}
                    </button>
                    <button type="button" className="button button-small" onClick={() => setEditing(null)}>
                      {t('Cancel')}
                    </button>
                  </form>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </Panel>
  );
}
