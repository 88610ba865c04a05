/** A report that could not load: a permission note for agents, else the error with a retry. */
import { ApiError, errorMessage } from '../../api/http.ts';
import { AlertIcon } from '../../components/icons.tsx';
import { useT } from '../../i18n/language-context.tsx';

export function ReportError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  if (error instanceof ApiError && error.status === 403) {
    return (
      <div className="alert alert-info" role="status" data-testid="reports-forbidden">
        <AlertIcon className="alert-icon" />
        <span>
          {t('Reports are for owners, admins and analysts. Ask one of them if you need these figures.')}
        </span>
      </div>
    );
  }
  return (
    <div className="alert alert-error" role="alert">
      <AlertIcon className="alert-icon" />
      <span>{errorMessage(error)}</span>
      {onRetry ? (
        <button type="button" className="button button-small alert-action" onClick={onRetry}>
          {t('Try again')}
        </button>
      ) : null}
    </div>
  );
}
