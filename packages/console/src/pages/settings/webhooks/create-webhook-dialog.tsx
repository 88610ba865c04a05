/** A new endpoint: its URL and the events it takes (checkboxes from the catalogue), or a Slack URL. */
import { WEBHOOK_EVENT_SUMMARIES, WEBHOOK_EVENT_TYPES } from '@beckon/protocol/webhooks-api';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { createWebhook, type EndpointWithSecret, type WebhookEventType } from '../../../api/webhooks.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';

/** What an event means, in the console's language (the catalogue's English for an unknown one). */
function eventSummary(t: (en: string) => string, type: WebhookEventType): string {
  switch (type) {
    case 'conversation.created':
      return t('A conversation started (web chat, e-mail, a messaging channel, the API).');
    case 'conversation.assigned':
      return t('An agent took a conversation.');
    case 'conversation.transferred':
      return t('A conversation moved to another agent or skill.');
    case 'conversation.resolved':
      return t('A conversation was resolved or closed.');
    case 'conversation.sla_breached':
      return t('A conversation missed its first-response or resolution target.');
    case 'message.created':
      return t('A message, note or system line was stored in a conversation.');
    case 'contact.created':
      return t('A new contact became known.');
    case 'contact.updated':
      return t('A contact’s name, e-mail, phone or attributes changed.');
    case 'exposure.created':
      return t('A visitor was shown an engagement, or fell in a control group.');
    case 'conversion.attributed':
      return t('A purchase or goal was attributed to engagements.');
    case 'csat.submitted':
      return t('A customer rated a conversation.');
    case 'bot.handoff':
      return t('A bot handed a conversation over to people (asked to, found no answer, or timed out).');
    case 'bot.resolved':
      return t('A bot resolved a conversation without a person (the visitor said its answer helped).');
    case 'campaign.changed':
      return t('A campaign was created, changed or deleted.');
    default:
      return WEBHOOK_EVENT_SUMMARIES[type];
  }
}

export function CreateWebhookDialog(props: {
  onCreated: (e: EndpointWithSecret) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [kind, setKind] = useState<'webhook' | 'slack'>('webhook');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Set<WebhookEventType>>(
    new Set(['conversation.created', 'message.created']),
  );
  const [waiting, setWaiting] = useState('5');
  const [lowCsat, setLowCsat] = useState(true);
  const [lowCsatAt, setLowCsatAt] = useState(2);
  const [slaBreach, setSlaBreach] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<string | null>(null);

  function toggle(type: WebhookEventType) {
    const next = new Set(events);
    if (next.has(type)) next.delete(type);
    else next.add(type);
    setEvents(next);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const ok = /^https?:\/\/\S+$/.test(url.trim());
    setUrlError(ok ? null : t('Enter the full URL, starting with {scheme}', { scheme: 'https://' }));
    if (!ok) return;
    if (kind === 'webhook' && events.size === 0) return setError(t('Choose at least one event.'));
    setBusy(true);
    setError(null);
    try {
      const minutes = Number(waiting);
      const created = await createWebhook(
        kind === 'slack'
          ? {
              url: url.trim(),
              kind,
              slack: { waitingMinutes: minutes > 0 ? minutes : null, lowCsat, lowCsatAt, slaBreach },
            }
          : { url: url.trim(), events: WEBHOOK_EVENT_TYPES.filter((type) => events.has(type)) },
      );
      props.onCreated(created);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={t('New endpoint')}
      description={t(
        'Beckon posts each event you choose to this URL, signed, and retries for about three days.',
      )}
      onClose={props.onClose}
      busy={busy}
      testId="webhook-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <fieldset className="fieldset">
            <legend className="field-label">{t('Send to')}</legend>
            <label className="check">
              <input
                type="radio"
                name="kind"
                checked={kind === 'webhook'}
                onChange={() => setKind('webhook')}
              />
              {t('Your server (signed JSON events)')}
            </label>
            <label className="check">
              <input type="radio" name="kind" checked={kind === 'slack'} onChange={() => setKind('slack')} />
              {t('A Slack channel (incoming webhook)')}
            </label>
          </fieldset>
          <Field
            label={t('URL')}
            error={urlError}
            hint={kind === 'slack' ? 'https://hooks.slack.com/services/…' : undefined}
          >
            {(p) => (
              <input
                {...p}
                className="input"
                name="url"
                type="url"
                autoComplete="off"
                placeholder="https://example.com/beckon-events"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
              />
            )}
          </Field>
          {kind === 'webhook' ? (
            <fieldset className="fieldset" data-testid="webhook-events">
              <legend className="field-label">{t('Events')}</legend>
              {WEBHOOK_EVENT_TYPES.map((type) => (
                <label key={type} className="check">
                  <input
                    type="checkbox"
                    checked={events.has(type)}
                    onChange={() => toggle(type)}
                    name={type}
                  />
                  <span>
                    <code>{type}</code> <span className="muted">{eventSummary(t, type)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          ) : (
            <fieldset className="fieldset">
              <legend className="field-label">{t('Post when')}</legend>
              <Field label={t('A conversation waits for an agent longer than (minutes, 0 for never)')}>
                {(p) => (
                  <input
                    {...p}
                    className="input"
                    inputMode="numeric"
                    value={waiting}
                    onChange={(e) => setWaiting(e.target.value.replace(/\D/g, ''))}
                  />
                )}
              </Field>
              <label className="check">
                <input type="checkbox" checked={lowCsat} onChange={() => setLowCsat(!lowCsat)} />
                {t('A customer rates a conversation low')}
              </label>
              <Field label={t('Low means a rating of at most (out of 5)')}>
                {(p) => (
                  <select
                    {...p}
                    className="input"
                    name="lowCsatAt"
                    value={lowCsatAt}
                    disabled={!lowCsat}
                    onChange={(e) => setLowCsatAt(Number(e.target.value))}
                  >
                    {[1, 2, 3, 4].map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <label className="check">
                <input
                  type="checkbox"
                  name="slaBreach"
                  checked={slaBreach}
                  onChange={() => setSlaBreach(!slaBreach)}
                />
                {t('A conversation misses its service level (SLA breach)')}
              </label>
            </fieldset>
          )}
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={props.onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Adding…') : t('Add endpoint')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
