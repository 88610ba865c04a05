/** A titled list of the inbox with its count ("Your chats 3"), moved through with ↓/↑. */
import type { ReactNode } from 'react';
import { onInboxKeyDown } from './inbox-keys.ts';

export function InboxSection({
  id,
  title,
  count,
  testId,
  children,
}: {
  id: string;
  title: string;
  count: number;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} data-testid={testId}>
      <h3 className="inbox-heading" id={id}>
        {title} <span className="inbox-heading-count">{count}</span>
      </h3>
      <ul className="inbox-list" onKeyDown={onInboxKeyDown}>
        {children}
      </ul>
    </section>
  );
}
