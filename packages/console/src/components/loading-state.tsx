import type { ReactNode } from 'react';
import { useT } from '../i18n/language-context.tsx';
/** A quiet placeholder while a list loads, announced once to screen readers. */
export function LoadingState({ label }: { label?: ReactNode }) {
  const t = useT();
  return (
    <div className="loading-state" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('Loading…')}</span>
    </div>
  );
}
