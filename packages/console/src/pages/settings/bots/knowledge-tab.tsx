/** Settings › Knowledge: the articles the answer bot answers from, an editor, and a search preview. */
import { type FormEvent, useState } from 'react';
import {
  type ArticleSearch,
  deleteArticle,
  type KnowledgeArticle,
  listArticles,
  searchArticles,
} from '../../../api/bots.ts';
import { errorMessage } from '../../../api/http.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatNumber } from '../../../components/format.ts';
import { LayersIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { canManage, useSession } from '../../../session/session-context.tsx';
import { ArticleFormDialog } from './article-form-dialog.tsx';
import { GeneratedAnswersCard } from './generated-answers-card.tsx';
import './bots.css';

type Editing =
  | { kind: 'create' }
  | { kind: 'edit'; item: KnowledgeArticle }
  | { kind: 'delete'; item: KnowledgeArticle }
  | null;

export function KnowledgeTab() {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const list = useResource(listArticles);
  const [editing, setEditing] = useState<Editing>(null);

  const newButton = manager && (
    <button type="button" className="button button-primary" onClick={() => setEditing({ kind: 'create' })}>
      <PlusIcon />
      {t('New article')}
    </button>
  );

  return (
    <section aria-labelledby="kb-heading">
      <SectionHeader
        title={t('Knowledge base')}
        id="kb-heading"
        description={t(
          'Articles the answer bot answers from. It shows the best article when it is confident enough, asks whether it helped, and hands over otherwise.',
        )}
        actions={list.data && list.data.length > 0 ? newButton : null}
      />
      <div className="kb-layout">
        <div>
          {list.loading && !list.data ? (
            <LoadingState label={t('Loading articles…')} />
          ) : list.error ? (
            <LoadError error={list.error} onRetry={list.reload} />
          ) : list.data && list.data.length === 0 ? (
            <EmptyState
              icon={<LayersIcon />}
              title={t('No articles yet')}
              testId="kb-empty"
              actions={newButton}
            >
              <p>
                {t('Write the answers visitors ask for most: returns, shipping, payments, your account.')}
              </p>
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="kb-table">
                <thead>
                  <tr>
                    <th scope="col">{t('Title')}</th>
                    <th scope="col">{t('Tags')}</th>
                    <th scope="col">{t('Language')}</th>
                    {manager && (
                      <th scope="col" className="cell-actions">
                        <span className="visually-hidden">{t('Actions')}</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {list.data?.map((item) => (
                    <tr key={item.id} data-testid="kb-row">
                      <th scope="row" className="cell-strong">
                        {item.title}
                        <div className="cell-sub">
                          {item.body.slice(0, 90)}
                          {item.body.length > 90 ? '…' : ''}
                        </div>
                      </th>
                      <td>
                        <span className="kb-tags">
                          {item.tags.map((tag) => (
                            <span key={tag} className="chip">
                              {tag}
                            </span>
                          ))}
                        </span>
                      </td>
                      <td className="mono">{item.language}</td>
                      {manager && (
                        <td className="cell-actions">
                          <button
                            type="button"
                            className="button button-small"
                            onClick={() => setEditing({ kind: 'edit', item })}
                            aria-label={t('Edit {name}', { name: item.title })}
                          >
                            {t('Edit')}
                          </button>
                          <button
                            type="button"
                            className="button button-small button-danger-quiet"
                            onClick={() => setEditing({ kind: 'delete', item })}
                            aria-label={t('Delete {name}', { name: item.title })}
                          >
                            {t('Delete')}
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        <SearchPreview />
      </div>
      {manager && <GeneratedAnswersCard />}
      {(editing?.kind === 'create' || editing?.kind === 'edit') && (
        <ArticleFormDialog
          item={editing.kind === 'edit' ? editing.item : undefined}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
          onClose={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Delete “{name}”?', { name: editing.item.title })}
          confirmLabel={t('Delete article')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteArticle(editing.item.id);
            list.reload();
          }}
        >
          <p>{t('The answer bot stops offering it at once.')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Ask a question as a visitor would and see what the answer bot would do. */
function SearchPreview() {
  const t = useT();
  const [q, setQ] = useState('');
  const [result, setResult] = useState<ArticleSearch | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!q.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await searchArticles(q.trim()));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <aside className="kb-preview" aria-labelledby="kb-preview-heading" data-testid="kb-preview">
      <h3 id="kb-preview-heading">{t('Try a question')}</h3>
      <form onSubmit={run} className="secret-row">
        <input
          className="input"
          aria-label={t("A visitor's question")}
          placeholder={t('How do I return an item?')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('Searching…') : t('Search')}
        </button>
      </form>
      {error && <p className="form-error">{error}</p>}
      {result && (
        <>
          <p
            className={result.answers ? 'kb-verdict kb-verdict-yes' : 'kb-verdict kb-verdict-no'}
            data-testid="kb-verdict"
          >
            {result.answers
              ? t('The bot answers with “{title}”.', { title: result.matches[0]?.article.title ?? '' })
              : t('The bot hands over: nothing reaches {share} confidence.', {
                  share: `${formatNumber(Math.round(result.threshold * 100))}%`,
                })}
          </p>
          {result.matches.length === 0 && (
            <p className="cell-sub">{t('No article shares a word with this question.')}</p>
          )}
          {result.matches.map((m) => (
            <div key={m.article.id} className="kb-match">
              <strong>{m.article.title}</strong>{' '}
              <span className="cell-sub">{formatNumber(Math.round(m.confidence * 100))}%</span>
              <p>{m.excerpt}</p>
            </div>
          ))}
        </>
      )}
    </aside>
  );
}
