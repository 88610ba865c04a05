import { EmptyState } from '../../components/empty-state.tsx';
import { AlertIcon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Link } from '../../router/router.tsx';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState
        icon={<AlertIcon />}
        title="There is nothing at this address"
        actions={
          <Link to="/visitors" className="button button-primary">
            Go to Visitors
          </Link>
        }
      >
        <p>The link may be out of date, or the page may have moved.</p>
      </EmptyState>
    </>
  );
}
