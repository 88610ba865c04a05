/** Write or edit a knowledge-base article: title, body, tags, language and an optional link. */
import { type FormEvent, useState } from 'react';
import { createArticle, type KnowledgeArticle, updateArticle } from '../../../api/bots.ts';
import { errorMessage } from '../../../api/http.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';

interface ArticleFormDialogProps {
  item?: KnowledgeArticle;
  onSaved: (item: KnowledgeArticle) => void;
  onClose: () => void;
}

export function ArticleFormDialog({ item, onSaved, onClose }: ArticleFormDialogProps) {
  const t = useT();
  const [title, setTitle] = useState(item?.title ?? '');
  const [body, setBody] = useState(item?.body ?? '');
  const [tags, setTags] = useState(item?.tags.join(', ') ?? '');
  const [language, setLanguage] = useState(item?.language ?? 'en');
  const [url, setUrl] = useState(item?.url ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!title.trim() || !body.trim()) return setError(t('An article needs a title and a body.'));
    if (url.trim() && !/^https?:\/\//.test(url.trim()))
      return setError(t('The link must start with {scheme}.', { scheme: 'https://' }));
    const input = {
      title: title.trim(),
      body: body.trim(),
      tags: tags
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
      language: language.trim() || 'en',
      url: url.trim() || null,
    };
    setBusy(true);
    setError(null);
    try {
      onSaved(item ? await updateArticle(item.id, input) : await createArticle(input));
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={item ? t('Edit article') : t('New article')}
      onClose={onClose}
      busy={busy}
      size="large"
      testId="article-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <Field label={t('Title')}>
            {(props) => (
              <input
                {...props}
                className="input"
                value={title}
                maxLength={200}
                onChange={(e) => setTitle(e.target.value)}
              />
            )}
          </Field>
          <Field
            label={t('Body')}
            hint={t('Plain text. The bot shows the sentence that best matches the question.')}
          >
            {(props) => (
              <textarea
                {...props}
                className="input textarea"
                rows={8}
                value={body}
                onChange={(e) => setBody(e.target.value)}
              />
            )}
          </Field>
          <div className="form-row">
            <Field label={t('Tags')} hint={t('Separated by commas.')}>
              {(props) => (
                <input {...props} className="input" value={tags} onChange={(e) => setTags(e.target.value)} />
              )}
            </Field>
            <Field label={t('Language')} hint={t('For example {a} or {b}.', { a: 'en', b: 'fr-CA' })}>
              {(props) => (
                <input
                  {...props}
                  className="input mono"
                  value={language}
                  maxLength={20}
                  onChange={(e) => setLanguage(e.target.value)}
                />
              )}
            </Field>
          </div>
          <Field
            label={t('Link (optional)')}
            hint={t('Where the article is published; the answer links to it.')}
          >
            {(props) => (
              <input {...props} className="input mono" value={url} onChange={(e) => setUrl(e.target.value)} />
            )}
          </Field>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Saving…') : item ? t('Save changes') : t('Add article')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
