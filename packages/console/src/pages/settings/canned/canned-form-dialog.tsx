/** Create or edit a canned response: its shortcut, title and text, with the variables it may use and a preview. */
import { SHORTCUT_PATTERN } from '@beckon/protocol/chat-limits';
import { type FormEvent, useState } from 'react';
import {
  type CannedResponse,
  createCannedResponse,
  updateCannedResponse,
} from '../../../api/canned-responses.ts';
import { ApiError, errorMessage } from '../../../api/http.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { ReplyVariables, useVariableInsert } from './reply-variables.tsx';

interface CannedFormDialogProps {
  item?: CannedResponse;
  onSaved: (item: CannedResponse) => void;
  onClose: () => void;
}

/** Mirrors the protocol's SHORTCUT_PATTERN. */
const SHORTCUT = new RegExp(SHORTCUT_PATTERN);
const MAX_TITLE = 80;
const MAX_TEXT = 4000;

export function CannedFormDialog({ item, onSaved, onClose }: CannedFormDialogProps) {
  const t = useT();
  const [shortcut, setShortcut] = useState(item?.shortcut ?? '');
  const [title, setTitle] = useState(item?.title ?? '');
  const [text, setText] = useState(item?.text ?? '');
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { ref: textRef, insert } = useVariableInsert(text, setText);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = {
      shortcut: shortcut.trim().replace(/^\//, '').toLowerCase(),
      title: title.trim(),
      text: text.trim(),
    };
    const next = {
      shortcut: SHORTCUT.test(input.shortcut)
        ? null
        : t('Use lower-case letters, digits, - or _ (up to 32), starting with a letter or digit.'),
      title: input.title ? null : t('Give it a title agents recognise.'),
      text: input.text
        ? input.text.length > MAX_TEXT
          ? t('At most {count} characters.', { count: MAX_TEXT })
          : null
        : t('Write the reply.'),
    };
    setErrors(next);
    if (next.shortcut || next.title || next.text) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(item ? await updateCannedResponse(item.id, input) : await createCannedResponse(input));
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        setErrors({
          ...next,
          shortcut: t('/{shortcut} is already used by another response.', { shortcut: input.shortcut }),
        });
      } else setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={item ? t('Edit /{shortcut}', { shortcut: item.shortcut }) : t('New canned response')}
      description={t('Agents type / and the shortcut in a chat to insert it.')}
      onClose={onClose}
      busy={busy}
      size="large"
      testId="canned-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <div className="form-row">
            <Field label={t('Shortcut')} error={errors.shortcut} hint={t('For example hello or shipping.')}>
              {(props) => (
                <input
                  {...props}
                  className="input mono"
                  value={shortcut}
                  maxLength={33}
                  autoCapitalize="off"
                  spellCheck={false}
                  onChange={(e) => {
                    setShortcut(e.target.value);
                    setErrors((current) => ({ ...current, shortcut: null }));
                  }}
                />
              )}
            </Field>
            <Field
              label={t('Title')}
              error={errors.title}
              hint={t('Shown beside the shortcut in the picker.')}
            >
              {(props) => (
                <input
                  {...props}
                  className="input"
                  value={title}
                  maxLength={MAX_TITLE}
                  onChange={(e) => setTitle(e.target.value)}
                />
              )}
            </Field>
          </div>
          <Field label={t('Text')} error={errors.text} hint={`${text.trim().length} / ${MAX_TEXT}`}>
            {(props) => (
              <textarea
                {...props}
                ref={textRef}
                className="input textarea"
                rows={5}
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
            )}
          </Field>
          <ReplyVariables text={text} onInsert={insert} testId="canned-preview" />
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Saving…') : item ? t('Save changes') : t('Add response')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
