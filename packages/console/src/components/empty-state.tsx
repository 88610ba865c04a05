import type { ReactNode } from 'react';

interface EmptyStateProps {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  testId?: string;
}

/** What a page or list shows before there is anything in it: what will appear, and how to get there. */
export function EmptyState({ icon, title, children, actions, testId }: EmptyStateProps) {
  return (
    <section className="empty-state" data-testid={testId}>
      <div className="empty-state-icon">{icon}</div>
      <h2 className="empty-state-title">{title}</h2>
      <div className="empty-state-text">{children}</div>
      {actions && <div className="empty-state-actions">{actions}</div>}
    </section>
  );
}
