import type { ReactNode } from 'react';
/** A quiet placeholder while a list loads, announced once to screen readers. */
export function LoadingState({ label = 'Loading…' }: { label?: ReactNode }) {
  return (
    <div className="loading-state" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
