import { EmptyState } from '../../components/empty-state.tsx';
import { AlertIcon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { Link } from '../../router/router.tsx';

export function NotFoundPage() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('Page not found')} />
      <EmptyState
        icon={<AlertIcon />}
        title={t('There is nothing at this address')}
        actions={
          <Link to="/visitors" className="button button-primary">
            {t('Go to Visitors')}
          </Link>
        }
      >
        <p>{t('The link may be out of date, or the page may have moved.')}</p>
      </EmptyState>
    </>
  );
}
