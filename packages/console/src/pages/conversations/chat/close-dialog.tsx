/** Ends a chat with a disposition (how it ended) and tags, for reports and the history search. */
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import type { Conversation } from '../../../api/conversations.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { CloseIcon } from '../../../components/icons.tsx';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { actionError } from '../../../workspace/workspace-store.ts';
import { visitorLabel } from '../conversation-format.ts';

export const DISPOSITIONS = [
  'Resolved',
  'Sale made',
  'Question answered',
  'Follow-up needed',
  'Not interested',
  'Visitor left',
  'Spam',
] as const;

/** A disposition in the user's language; the value stored stays the English one, as reports group by it. */
export function dispositionLabel(disposition: string): string {
  switch (disposition) {
    case 'Resolved':
      return t('Resolved');
    case 'Sale made':
      return t('Sale made');
    case 'Question answered':
      return t('Question answered');
    case 'Follow-up needed':
      return t('Follow-up needed');
    case 'Not interested':
      return t('Not interested');
    case 'Visitor left':
      return t('Visitor left');
    case 'Spam':
      return t('Spam');
    default:
      return disposition;
  }
}

const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 40;

interface CloseDialogProps {
  conversation: Conversation;
  /** The chat already ended (the visitor left): only the disposition and tags are recorded. */
  wrapUp: boolean;
  onClose: () => void;
  onDone: () => void;
}

export function CloseDialog({ conversation: c, wrapUp, onClose, onDone }: CloseDialogProps) {
  const store = useWorkspaceStore()!;
  const t = useT();
  const [disposition, setDisposition] = useState<string>('Resolved');
  const [tags, setTags] = useState<string[]>([]);
  const [tagText, setTagText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function addTag(raw: string) {
    const tag = raw.trim().replace(/\s+/g, ' ').slice(0, MAX_TAG_LENGTH);
    if (!tag || tags.includes(tag) || tags.length >= MAX_TAGS) return;
    setTags([...tags, tag]);
  }

  function onTagKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      addTag(tagText);
      setTagText('');
    } else if (event.key === 'Backspace' && tagText === '' && tags.length > 0) {
      setTags(tags.slice(0, -1));
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const all = tagText.trim() ? [...tags, tagText.trim().slice(0, MAX_TAG_LENGTH)] : tags;
    setBusy(true);
    setError(null);
    try {
      await store.close(c.id, {
        ...(disposition ? { disposition } : {}),
        ...(all.length > 0 ? { tags: [...new Set(all)].slice(0, MAX_TAGS) } : {}),
      });
      onDone();
    } catch (caught) {
      setError(actionError(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={wrapUp ? t('Wrap up chat') : t('Close chat')}
      description={
        wrapUp
          ? t('The chat with {name} has ended. Record how it went.', { name: visitorLabel(c) })
          : t('The chat with {name} ends; they are asked to rate it.', { name: visitorLabel(c) })
      }
      onClose={onClose}
      busy={busy}
      size="small"
      testId="close-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <Field label={t('Disposition')} hint={t('How the chat ended, for reports.')}>
            {(props) => (
              <select
                {...props}
                className="input select"
                value={disposition}
                onChange={(e) => setDisposition(e.target.value)}
              >
                <option value="">{t('None')}</option>
                {DISPOSITIONS.map((d) => (
                  <option key={d} value={d}>
                    {dispositionLabel(d)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={t('Tags')}
            hint={t('Press Enter or comma after each tag. History can find chats by tag.')}
          >
            {(props) => (
              <div className="tag-input">
                {tags.map((tag) => (
                  <span key={tag} className="tag-chip" data-testid="tag-chip">
                    {tag}
                    <button
                      type="button"
                      className="tag-chip-remove"
                      aria-label={t('Remove tag {tag}', { tag })}
                      onClick={() => setTags(tags.filter((other) => other !== tag))}
                    >
                      <CloseIcon className="icon icon-tiny" />
                    </button>
                  </span>
                ))}
                <input
                  {...props}
                  className="tag-input-field"
                  value={tagText}
                  maxLength={MAX_TAG_LENGTH}
                  onChange={(e) => setTagText(e.target.value.replace(',', ''))}
                  onKeyDown={onTagKey}
                  onBlur={() => {
                    addTag(tagText);
                    setTagText('');
                  }}
                  placeholder={tags.length === 0 ? t('e.g. shipping, vip') : ''}
                  disabled={tags.length >= MAX_TAGS}
                />
              </div>
            )}
          </Field>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="close-submit">
            {busy ? t('Saving…') : wrapUp ? t('Save wrap-up') : t('Close chat')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
