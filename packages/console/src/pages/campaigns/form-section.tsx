/** One titled card of the campaign editor ("Basics", "Who", …), a landmark for the section nav. */
import type { ReactNode } from 'react';

interface FormSectionProps {
  id: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  aside?: ReactNode;
}

export function FormSection({ id, title, description, children, aside }: FormSectionProps) {
  return (
    <section
      className="card editor-section"
      id={id}
      aria-labelledby={`${id}-title`}
      data-testid={`section-${id}`}
    >
      <header className="editor-section-header">
        <div>
          <h2 className="editor-section-title" id={`${id}-title`}>
            {title}
          </h2>
          {description && <p className="editor-section-description">{description}</p>}
        </div>
        {aside}
      </header>
      <div className="editor-section-body">{children}</div>
    </section>
  );
}
