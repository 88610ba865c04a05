/** A new endpoint: its URL and the events it takes (checkboxes from the catalogue), or a Slack URL. */
import { WEBHOOK_EVENT_SUMMARIES, WEBHOOK_EVENT_TYPES } from '@beckon/protocol/webhooks-api';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { createWebhook, type EndpointWithSecret, type WebhookEventType } from '../../../api/webhooks.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';

export function CreateWebhookDialog(props: {
  onCreated: (e: EndpointWithSecret) => void;
  onClose: () => void;
}) {
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

  function toggle(t: WebhookEventType) {
    const next = new Set(events);
    if (next.has(t)) next.delete(t);
    else next.add(t);
    setEvents(next);
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const ok = /^https?:\/\/\S+$/.test(url.trim());
    setUrlError(ok ? null : 'Enter the full URL, starting with https://');
    if (!ok) return;
    if (kind === 'webhook' && events.size === 0) return setError('Choose at least one event.');
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
          : { url: url.trim(), events: WEBHOOK_EVENT_TYPES.filter((t) => events.has(t)) },
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
      title="New endpoint"
      description="Beckon posts each event you choose to this URL, signed, and retries for about three days."
      onClose={props.onClose}
      busy={busy}
      testId="webhook-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <fieldset className="fieldset">
            <legend className="field-label">Send to</legend>
            <label className="check">
              <input
                type="radio"
                name="kind"
                checked={kind === 'webhook'}
                onChange={() => setKind('webhook')}
              />
              Your server (signed JSON events)
            </label>
            <label className="check">
              <input type="radio" name="kind" checked={kind === 'slack'} onChange={() => setKind('slack')} />A
              Slack channel (incoming webhook)
            </label>
          </fieldset>
          <Field
            label="URL"
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
              <legend className="field-label">Events</legend>
              {WEBHOOK_EVENT_TYPES.map((t) => (
                <label key={t} className="check">
                  <input type="checkbox" checked={events.has(t)} onChange={() => toggle(t)} name={t} />
                  <span>
                    <code>{t}</code> <span className="muted">{WEBHOOK_EVENT_SUMMARIES[t]}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          ) : (
            <fieldset className="fieldset">
              <legend className="field-label">Post when</legend>
              <Field label="A conversation waits for an agent longer than (minutes, 0 for never)">
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
                <input type="checkbox" checked={lowCsat} onChange={() => setLowCsat(!lowCsat)} />A customer
                rates a conversation low
              </label>
              <Field label="Low means a rating of at most (out of 5)">
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
                A conversation misses its service level (SLA breach)
              </label>
            </fieldset>
          )}
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add endpoint'}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
