/**
 * Agent assist's summary of a conversation, written on transfer and close: at the top of the chat
 * for the agent who takes it over, and in History. It says who wrote it (the model, or the key
 * lines extracted without one, and who edited it); agents edit it in place.
 */
import type { ConversationSummary } from '@beckon/protocol/assist-api';
import { useEffect, useState } from 'react';
import { getSummary, saveSummary } from '../../../../api/assist.ts';
import { errorMessage } from '../../../../api/http.ts';
import { useT } from '../../../../i18n/language-context.tsx';
import { useWorkspace } from '../../../../workspace/workspace-context.tsx';
import { useDirectory } from '../../directory.tsx';
import './assist.css';

/** The newer of two versions of a summary (the socket's and the one read or saved here). */
const newer = (a: ConversationSummary | undefined, b: ConversationSummary | null) =>
  !a ? b : !b ? a : Date.parse(a.updatedAt) >= Date.parse(b.updatedAt) ? a : b;

export function AssistSummary({ conversationId: id, canEdit }: { conversationId: string; canEdit: boolean }) {
  const t = useT();
  const { userName } = useDirectory();
  const live = useWorkspace((s) => s.assist[id]?.summary, undefined);
  const [read, setRead] = useState<ConversationSummary | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Written before this chat was opened (a transfer, a close): asked once; the socket brings edits.
  useEffect(() => {
    let on = true;
    getSummary(id).then(
      (s) => on && setRead(s),
      () => {},
    );
    return () => {
      on = false;
    };
  }, [id]);

  const summary = newer(live, read);
  if (!summary) return null;

  async function save() {
    if (editing === null || !editing.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setRead(await saveSummary(id, editing.trim()));
      setEditing(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const by = summary.source === 'model' ? t('written by the model') : t('key lines, extracted');
  const editor = summary.editedBy ? userName(summary.editedBy) : null;
  return (
    <details className="assist-summary" open data-testid="assist-summary" data-source={summary.source}>
      <summary>
        <strong>{t('Summary')}</strong>
        <span className="assist-summary-by" data-testid="assist-summary-by">
          {editor ? t('{by}, edited by {name}', { by, name: editor }) : by}
        </span>
      </summary>
      <div className="assist-summary-body">
        {editing === null ? (
          <>
            <p className="assist-summary-text" data-testid="assist-summary-text">
              {summary.text}
            </p>
            {canEdit && (
              <div className="assist-summary-actions">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setEditing(summary.text)}
                  data-testid="assist-summary-edit"
                >
                  {t('Edit summary')}
                </button>
              </div>
            )}
          </>
        ) : (
          <>
            <textarea
              value={editing}
              maxLength={2000}
              onChange={(e) => setEditing(e.target.value)}
              aria-label={t('Summary')}
              // biome-ignore lint/a11y/noAutofocus: the agent asked to edit it.
              autoFocus
              data-testid="assist-summary-input"
            />
            {error && (
              <p className="field-error" role="alert">
                {error}
              </p>
            )}
            <div className="assist-summary-actions">
              <button
                type="button"
                className="button button-small button-primary"
                disabled={busy || !editing.trim()}
                onClick={save}
                data-testid="assist-summary-save"
              >
                {busy ? t('Saving…') : t('Save summary')}
              </button>
              <button
                type="button"
                className="button button-small"
                disabled={busy}
                onClick={() => {
                  setEditing(null);
                  setError(null);
                }}
              >
                {t('Cancel')}
              </button>
            </div>
          </>
        )}
      </div>
    </details>
  );
}

export default AssistSummary;
