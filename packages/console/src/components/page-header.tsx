import { type ReactNode, useEffect } from 'react';
import { useAttentionCount } from '../workspace/workspace-context.tsx';

interface PageHeaderProps {
  title: string;
  /** Id of the heading, for aria-labelledby on the surrounding section. */
  id?: string;
  description?: ReactNode;
  actions?: ReactNode;
}

/**
 * Sets the browser tab's title. It rewrites the one <title> of index.html rather than rendering
 * another (React would hoist a second <title> into <head>, and the document would have two).
 */
export function useDocumentTitle(text: string): void {
  useEffect(() => {
    document.title = text;
  }, [text]);
}

/** The browser tab's title: the page, and how many chats need the agent's attention. */
export function DocumentTitle({ title }: { title: string }) {
  const count = useAttentionCount();
  useDocumentTitle(`${count > 0 ? `(${count}) ` : ''}${title} · Beckon`);
  return null;
}

/** The title block at the top of every page; sets the document title too. */
export function PageHeader({ title, description, actions }: PageHeaderProps) {
  return (
    <header className="page-header">
      <DocumentTitle title={title} />
      <div className="page-header-text">
        <h1 className="page-title">{title}</h1>
        {description && <p className="page-description">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

/** The heading block of a section inside a page (a settings tab, a panel). */
export function SectionHeader({ title, id, description, actions }: PageHeaderProps) {
  return (
    <header className="section-header">
      <div className="section-header-text">
        <h2 className="section-title" id={id}>
          {title}
        </h2>
        {description && <p className="section-description">{description}</p>}
      </div>
      {actions && <div className="section-actions">{actions}</div>}
    </header>
  );
}
