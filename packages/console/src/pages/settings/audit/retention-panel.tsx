/** How long each kind of data is kept (opened from Settings › Audit log); owners change it, admins read it. */
import { type FormEvent, useEffect, useState } from 'react';
import { fetchRetention, type RetentionPolicy, saveRetention } from '../../../api/governance.ts';
import { errorMessage } from '../../../api/http.ts';
import { DialogFooter } from '../../../components/dialog.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useSession } from '../../../session/session-context.tsx';
import './audit.css';

type Kind = keyof RetentionPolicy;

const KINDS: Kind[] = ['events', 'visits', 'conversations', 'attachments', 'recordings', 'audit'];

/** A kind of data's name and what it covers, in the console's language. */
function kindText(t: ReturnType<typeof useT>, kind: Kind): { label: string; hint: string } {
  switch (kind) {
    case 'events':
      return { label: t('Events'), hint: t('Page views, custom events and cart changes the tag sent.') };
    case 'visits':
      return {
        label: t('Visits'),
        hint: t('Sessions, and visitors not seen since. Older report ranges then show no sessions.'),
      };
    case 'conversations':
      return {
        label: t('Conversations'),
        hint: t(
          'Messages of closed conversations, and the visitor’s name and e-mail on them. Counts in reports stay.',
        ),
      };
    case 'attachments':
      return {
        label: t('Attachments'),
        hint: t('Files sent in conversations. The messages that carried them stay.'),
      };
    case 'recordings':
      return { label: t('Call recordings'), hint: t('Recorded calls.') };
    case 'audit':
      return { label: t('Audit log'), hint: t('Entries of this log of who did what.') };
  }
}

/** Days as people say them: "13 months", "2 years", "90 days". */
export function describeDays(days: number): string {
  if (days === 0) return t('forever');
  if (days % 365 === 0) return t('{count, plural, one {# year} other {# years}}', { count: days / 365 });
  if (days >= 60 && Math.abs(days / 30.4 - Math.round(days / 30.4)) < 0.1)
    return t('{count, plural, one {# month} other {# months}}', { count: Math.round(days / 30.4) });
  return t('{count, plural, one {# day} other {# days}}', { count: days });
}

export function RetentionPanel() {
  const t = useT();
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
      setNote({ ok: true, text: t('Saved. The next sweep applies these limits.') });
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
        <LoadingState label={t('Loading retention…')} />
      ) : settings.error ? (
        <LoadError error={settings.error} onRetry={settings.reload} />
      ) : data && draft ? (
        <form className="retention-form" onSubmit={submit} data-testid="retention-form">
          <div className="dialog-body retention-rows">
            {KINDS.map((kind) => {
              const { label, hint } = kindText(t, kind);
              const forever = draft[kind] === 0;
              const id = `retention-${kind}`;
              return (
                <div className="retention-row" key={kind} data-testid={id}>
                  <div>
                    <label className="field-label" htmlFor={id}>
                      {label}
                    </label>
                    <p className="field-hint">
                      {hint} {t('Default: {period}.', { period: describeDays(data.defaults[kind]) })}
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
                    <span className="muted">{t('days')}</span>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={forever}
                        disabled={!owner}
                        onChange={(e) =>
                          setDraft({ ...draft, [kind]: e.target.checked ? 0 : data.defaults[kind] })
                        }
                      />
                      {t('Keep forever')}
                    </label>
                  </div>
                </div>
              );
            })}
          </div>
          <DialogFooter>
            <div className="retention-footer">
              <p className="muted">
                {data.lastSweepAt
                  ? t('Last sweep {when}.', { when: formatDateTime(data.lastSweepAt) })
                  : t('Not swept yet.')}{' '}
                {data.nextSweepAt ? t('Next {when}.', { when: formatDateTime(data.nextSweepAt) }) : ''}
              </p>
              {note && (
                <span className={note.ok ? 'muted' : 'field-error'} role="status">
                  {note.text}
                </span>
              )}
              {owner ? (
                <button type="submit" className="button button-primary" disabled={saving}>
                  {saving ? t('Saving…') : t('Save limits')}
                </button>
              ) : (
                <span className="muted">{t('Only owners can change these limits.')}</span>
              )}
            </div>
          </DialogFooter>
        </form>
      ) : null}
    </div>
  );
}
