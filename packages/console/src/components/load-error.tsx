import { ApiError, errorMessage } from '../api/http.ts';
import { useT } from '../i18n/language-context.tsx';
import { AlertIcon } from './icons.tsx';

/** Shown in place of a list that failed to load; a 403 reads as a permission note, not a failure. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  if (error instanceof ApiError && error.status === 403) {
    return (
      <div className="alert alert-info" role="status">
        <AlertIcon className="alert-icon" />
        <span>{t('Only owners and admins can see this. Ask one of them if you need a change here.')}</span>
      </div>
    );
  }
  return (
    <div className="alert alert-error" role="alert">
      <AlertIcon className="alert-icon" />
      <span>{errorMessage(error)}</span>
      <button type="button" className="button button-small alert-action" onClick={onRetry}>
        {t('Try again')}
      </button>
    </div>
  );
}
