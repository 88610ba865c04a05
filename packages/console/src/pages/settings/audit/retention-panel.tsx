/** How long each kind of data is kept (opened from Settings › Audit log); owners change it, admins read it. */
import { type FormEvent, useEffect, useState } from 'react';
import { fetchRetention, type RetentionPolicy, saveRetention } from '../../../api/governance.ts';
import { errorMessage } from '../../../api/http.ts';
import { DialogFooter } from '../../../components/dialog.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useSession } from '../../../session/session-context.tsx';
import './audit.css';

type Kind = keyof RetentionPolicy;

const KINDS: Array<{ kind: Kind; label: string; hint: string }> = [
  { kind: 'events', label: 'Events', hint: 'Page views, custom events and cart changes the tag sent.' },
  {
    kind: 'visits',
    label: 'Visits',
    hint: 'Sessions, and visitors not seen since. Older report ranges then show no sessions.',
  },
  {
    kind: 'conversations',
    label: 'Conversations',
    hint: 'Messages of closed conversations, and the visitor’s name and e-mail on them. Counts in reports stay.',
  },
  {
    kind: 'attachments',
    label: 'Attachments',
    hint: 'Files sent in conversations. The messages that carried them stay.',
  },
  { kind: 'recordings', label: 'Call recordings', hint: 'Recorded calls.' },
  { kind: 'audit', label: 'Audit log', hint: 'Entries of this log of who did what.' },
];

/** Days as people say them: "13 months", "2 years", "90 days". */
export function describeDays(days: number): string {
  if (days === 0) return 'forever';
  if (days % 365 === 0) return days === 365 ? '1 year' : `${days / 365} years`;
  if (days >= 60 && Math.abs(days / 30.4 - Math.round(days / 30.4)) < 0.1)
    return `${Math.round(days / 30.4)} months`;
  return days === 1 ? '1 day' : `${days} days`;
}

export function RetentionPanel() {
  const { user } = useSession();
  const owner = user.role === 'owner';
  const settings = useResource(fetchRetention);
  const [draft, setDraft] = useState<RetentionPolicy | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (settings.data) setDraft(settings.data.policy);
  }, [settings.data]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    setSaving(true);
    setNote(null);
    try {
      const saved = await saveRetention(draft);
      settings.update(() => saved);
      setNote({ ok: true, text: 'Saved. The next sweep applies these limits.' });
    } catch (caught) {
      setNote({ ok: false, text: errorMessage(caught) });
    } finally {
      setSaving(false);
    }
  }

  const data = settings.data;
  return (
    <div>
      {settings.loading && !data ? (
        <LoadingState label="Loading retention…" />
      ) : settings.error ? (
        <LoadError error={settings.error} onRetry={settings.reload} />
      ) : data && draft ? (
        <form className="retention-form" onSubmit={submit} data-testid="retention-form">
          <div className="dialog-body retention-rows">
            {KINDS.map(({ kind, label, hint }) => {
              const forever = draft[kind] === 0;
              const id = `retention-${kind}`;
              return (
                <div className="retention-row" key={kind} data-testid={id}>
                  <div>
                    <label className="field-label" htmlFor={id}>
                      {label}
                    </label>
                    <p className="field-hint">
                      {hint} Default: {describeDays(data.defaults[kind])}.
                    </p>
                  </div>
                  <div className="retention-control">
                    <input
                      id={id}
                      className="input retention-days"
                      type="number"
                      min={1}
                      max={36500}
                      step={1}
                      disabled={!owner || forever}
                      value={forever ? '' : draft[kind]}
                      placeholder={forever ? '—' : undefined}
                      onChange={(e) =>
                        setDraft({ ...draft, [kind]: Math.max(1, Math.floor(Number(e.target.value) || 1)) })
                      }
                    />
                    <span className="muted">days</span>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={forever}
                        disabled={!owner}
                        onChange={(e) =>
                          setDraft({ ...draft, [kind]: e.target.checked ? 0 : data.defaults[kind] })
                        }
                      />
                      Keep forever
                    </label>
                  </div>
                </div>
              );
            })}
          </div>
          <DialogFooter>
            <div className="retention-footer">
              <p className="muted">
                {data.lastSweepAt ? `Last sweep ${formatDateTime(data.lastSweepAt)}. ` : 'Not swept yet. '}
                {data.nextSweepAt ? `Next ${formatDateTime(data.nextSweepAt)}.` : ''}
              </p>
              {note && (
                <span className={note.ok ? 'muted' : 'field-error'} role="status">
                  {note.text}
                </span>
              )}
              {owner ? (
                <button type="submit" className="button button-primary" disabled={saving}>
                  {saving ? 'Saving…' : 'Save limits'}
                </button>
              ) : (
                <span className="muted">Only owners can change these limits.</span>
              )}
            </div>
          </DialogFooter>
        </form>
      ) : null}
    </div>
  );
}
