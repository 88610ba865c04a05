/**
 * A WhatsApp connection's message templates in Settings › Channels: how many Meta approved, when
 * they were last read, and "Sync templates" to read them again after an approval in WhatsApp
 * Manager. A connection made without its Business Account id asks for it first.
 */
import { type FormEvent, useCallback, useId, useState } from 'react';
import type { ChannelConnection } from '../../../api/channels.ts';
import { errorMessage } from '../../../api/http.ts';
import { listTemplates, syncTemplates, type WhatsAppTemplates } from '../../../api/whatsapp.ts';
import { formatDateTime } from '../../../components/format.ts';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';

export function ConnectionTemplates({ connection: c }: { connection: ChannelConnection }) {
  const t = useT();
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
      setError(t('Enter the WhatsApp Business Account id (digits), from WhatsApp › API Setup.'));
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
  const approved = items.filter((item) => item.status === 'APPROVED').length;
  return (
    <form className="connection-templates" onSubmit={sync} data-testid="connection-templates">
      <span className="secret-label connection-secret-label">{t('Templates')}</span>
      {!hasWaba ? (
        <>
          <label className="visually-hidden" htmlFor={wabaId}>
            {t('WhatsApp Business Account id')}
          </label>
          <input
            id={wabaId}
            className="input mono connection-templates-input"
            placeholder={t('Business Account id')}
            inputMode="numeric"
            value={waba}
            onChange={(e) => setWaba(e.target.value)}
          />
        </>
      ) : (
        <span className="muted" data-testid="template-count">
          {list.loading && !list.data
            ? t('Loading…')
            : list.data?.syncedAt
              ? t('{approved} approved of {total} · read {when}', {
                  approved: String(approved),
                  total: String(items.length),
                  when: formatDateTime(list.data.syncedAt),
                })
              : t('Not read yet')}
        </span>
      )}
      <button
        type="submit"
        className="button button-small"
        disabled={busy}
        aria-label={t('Sync templates of {name}', { name: c.name })}
      >
        {busy ? t('Reading…') : hasWaba ? t('Sync templates') : t('Read templates')}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
