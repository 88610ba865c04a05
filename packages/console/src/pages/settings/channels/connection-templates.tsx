/**
 * A WhatsApp connection's message templates in Settings › Channels: how many Meta approved, when
 * they were last read, and "Sync templates" to read them again after an approval in WhatsApp
 * Manager. A connection made without its Business Account id asks for it first.
 */
import { type FormEvent, useCallback, useId, useState } from 'react';
import type { ChannelConnection } from '../../../api/channels.ts';
import { errorMessage } from '../../../api/http.ts';
import { listTemplates, syncTemplates, type WhatsAppTemplates } from '../../../api/whatsapp.ts';
import { useResource } from '../../../components/use-resource.ts';

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function ConnectionTemplates({ connection: c }: { connection: ChannelConnection }) {
  const load = useCallback(() => listTemplates(c.id), [c.id]);
  const list = useResource(load);
  const [hasWaba, setHasWaba] = useState(Boolean(c.credentials.wabaId));
  const [waba, setWaba] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const wabaId = useId();

  async function sync(event?: FormEvent) {
    event?.preventDefault();
    if (!hasWaba && !/^\d{1,64}$/.test(waba.trim())) {
      setError('Enter the WhatsApp Business Account id (digits), from WhatsApp › API Setup.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const fresh: WhatsAppTemplates = await syncTemplates(c.id, hasWaba ? undefined : waba.trim());
      list.update(() => fresh);
      setHasWaba(true);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const items = list.data?.items ?? [];
  const approved = items.filter((t) => t.status === 'APPROVED').length;
  return (
    <form className="connection-templates" onSubmit={sync} data-testid="connection-templates">
      <span className="secret-label connection-secret-label">Templates</span>
      {!hasWaba ? (
        <>
          <label className="visually-hidden" htmlFor={wabaId}>
            WhatsApp Business Account id
          </label>
          <input
            id={wabaId}
            className="input mono connection-templates-input"
            placeholder="Business Account id"
            inputMode="numeric"
            value={waba}
            onChange={(e) => setWaba(e.target.value)}
          />
        </>
      ) : (
        <span className="muted" data-testid="template-count">
          {list.loading && !list.data
            ? 'Loading…'
            : list.data?.syncedAt
              ? `${approved} approved of ${items.length} · read ${when(list.data.syncedAt)}`
              : 'Not read yet'}
        </span>
      )}
      <button
        type="submit"
        className="button button-small"
        disabled={busy}
        aria-label={`Sync templates of ${c.name}`}
      >
        {busy ? 'Reading…' : hasWaba ? 'Sync templates' : 'Read templates'}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
