/** The contacts list: search by name, e-mail or phone, latest seen first, with a CSV export of what matches. */
import { useCallback, useEffect, useId, useState } from 'react';
import { type ContactPage, contactsCsvUrl, searchContacts } from '../../api/contacts.ts';
import { errorMessage } from '../../api/http.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatRelative } from '../../components/format.ts';
import { ContactsIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { Link, navigate } from '../../router/router.tsx';
import { channelName, contactLabel } from './contact-format.ts';
import './contacts.css';

export function ContactList() {
  const t = useT();
  const id = useId();
  const [text, setText] = useState(() => new URLSearchParams(window.location.search).get('q') ?? '');
  const [q, setQ] = useState(text);
  const [page, setPage] = useState<ContactPage | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [more, setMore] = useState<'idle' | 'loading' | string>('idle');

  // Typing settles for a moment before the search runs.
  useEffect(() => {
    const timer = window.setTimeout(() => setQ(text), 250);
    return () => window.clearTimeout(timer);
  }, [text]);

  const load = useCallback(() => {
    let current = true;
    setError(undefined);
    searchContacts(q).then(
      (p) => current && setPage(p),
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [q]);
  useEffect(load, [load]);

  const loadMore = () => {
    if (!page?.nextCursor) return;
    setMore('loading');
    searchContacts(q, page.nextCursor).then(
      (next) => {
        setPage({ items: [...page.items, ...next.items], nextCursor: next.nextCursor });
        setMore('idle');
      },
      (e: unknown) => setMore(errorMessage(e)),
    );
  };

  return (
    <>
      <PageHeader
        title={t('Contacts')}
        description={t('The people behind your conversations and visits, across every channel.')}
        actions={
          <a className="button" href={contactsCsvUrl(q)} download data-testid="contacts-csv">
            {t('Export CSV')}
          </a>
        }
      />
      <search className="toolbar" aria-label={t('Search contacts')}>
        <div className="toolbar-field toolbar-search">
          <label className="toolbar-label" htmlFor={`${id}-q`}>
            {t('Search')}
          </label>
          <input
            id={`${id}-q`}
            className="input"
            type="search"
            placeholder={t('A name, an e-mail or a phone number')}
            value={text}
            maxLength={200}
            data-testid="contacts-search"
            onChange={(e) => setText(e.target.value)}
          />
        </div>
      </search>
      {error !== undefined && !page ? (
        <LoadError error={error} onRetry={load} />
      ) : !page ? (
        <LoadingState label={t('Loading contacts…')} />
      ) : page.items.length === 0 ? (
        q.trim() ? (
          <EmptyState icon={<ContactsIcon />} title={t('No contact matches')} testId="contacts-empty-search">
            <p>{t('No name, e-mail or phone contains “{text}”.', { text: q.trim() })}</p>
          </EmptyState>
        ) : (
          <EmptyState icon={<ContactsIcon />} title={t('No contacts yet')} testId="contacts-empty">
            <p>
              {t(
                'A contact appears when a visitor gives an e-mail or phone (the pre-chat or offline form), when your site identifies a signed-in user, or when a message arrives on any channel.',
              )}
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="contacts-table">
              <caption className="visually-hidden">{t('Contacts, most recently seen first')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('Name')}</th>
                  <th scope="col">{t('E-mail')}</th>
                  <th scope="col">{t('Phone')}</th>
                  <th scope="col">{t('Last seen')}</th>
                  <th scope="col">{t('Channels')}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((c) => {
                  const to = `/contacts/${encodeURIComponent(c.id)}`;
                  return (
                    <tr
                      key={c.id}
                      className="row-clickable"
                      data-testid="contact-row"
                      onClick={(event) => {
                        if ((event.target as HTMLElement).closest('a, button')) return;
                        navigate(to);
                      }}
                    >
                      <th scope="row">
                        <Link to={to}>{contactLabel(c)}</Link>
                        {c.verified && (
                          <span
                            className="tag tag-returning contact-verified"
                            title={t('Identified by your site')}
                          >
                            {t('Verified')}
                          </span>
                        )}
                      </th>
                      <td data-label={t('E-mail')}>{c.email ?? <span className="muted">—</span>}</td>
                      <td data-label={t('Phone')}>{c.phone ?? <span className="muted">—</span>}</td>
                      <td data-label={t('Last seen')} className="cell-nowrap">
                        {formatRelative(c.lastSeenAt)}
                      </td>
                      <td data-label={t('Channels')}>
                        {c.channels.length ? (
                          <span className="chips">
                            {c.channels.map((ch) => (
                              <span key={ch} className="chip chip-small">
                                {channelName(ch)}
                              </span>
                            ))}
                          </span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="contacts-more">
            {page.nextCursor ? (
              <button type="button" className="button" onClick={loadMore} disabled={more === 'loading'}>
                {more === 'loading' ? t('Loading…') : t('Load more contacts')}
              </button>
            ) : (
              <span className="muted">
                {t('{count, plural, one {# contact} other {# contacts}}', { count: page.items.length })}
              </span>
            )}
            {more !== 'idle' && more !== 'loading' && <span className="field-error">{more}</span>}
          </div>
        </>
      )}
    </>
  );
}
