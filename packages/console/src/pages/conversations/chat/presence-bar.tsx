/**
 * Who else is here: the colleagues looking at this conversation now, and who of them is typing a
 * reply or a note. Showing the bar tells the server this console looks at the conversation.
 */
import { useEffect } from 'react';
import { useT } from '../../../i18n/language-context.tsx';
import type { Colleague, Typer } from '../../../workspace/collab-store.ts';
import { useCollab } from '../../../workspace/use-collab.ts';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';

const NONE: Colleague[] = [];
const NO_TYPERS: Typer[] = [];

export function PresenceBar({ conversationId, loaded }: { conversationId: string; loaded: boolean }) {
  const t = useT();
  const store = useWorkspaceStore();
  const myId = useWorkspace((s) => s.agent?.id ?? null, null);
  const viewers = useCollab((s) => s.viewers[conversationId] ?? NONE, NONE);
  const typers = useCollab((s) => s.typers[conversationId] ?? NO_TYPERS, NO_TYPERS);

  // Followed (its stream is open): the server may now mark me as looking at it.
  useEffect(() => {
    if (!store || !loaded) return;
    store.collab.view(conversationId);
    return () => store.collab.view(null);
  }, [store, conversationId, loaded]);

  const others = viewers.filter((v) => v.id !== myId);
  if (others.length === 0 && typers.length === 0) return null;
  return (
    <div className="presence-bar" data-testid="presence-bar" aria-live="polite">
      {others.length > 0 && (
        <span className="presence-viewers" data-testid="presence-viewers">
          <span className="presence-dot" aria-hidden="true" />
          {t('Also here: {names}', { names: others.map((v) => v.name).join(', ') })}
        </span>
      )}
      {typers.map((x) => (
        <span key={x.id} className="presence-typing" data-testid="presence-typing" data-note={x.note}>
          {x.note
            ? t('{name} is writing a note…', { name: x.name })
            : t('{name} is writing a reply…', { name: x.name })}
        </span>
      ))}
    </div>
  );
}
