/**
 * Agent assist's suggested replies above the composer: up to three found by search (knowledge
 * base, canned responses, similar conversations) and the model's, streaming in. Alt+1…4 (or a
 * click) puts one in the composer to edit; nothing is sent without the agent. A model that is
 * slow, down or talks nonsense shows as one quiet line. Loaded with the first chat opened, so the
 * inbox's first load does not carry it.
 */
import type { ModelState, Suggestion } from '@beckon/protocol/assist-api';
import { type Ref, useEffect, useImperativeHandle, useMemo, useState } from 'react';
import { getSuggestions, sendSuggestionFeedback } from '../../../../api/assist.ts';
import { t } from '../../../../i18n/i18n.ts';
import { useT } from '../../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../../workspace/workspace-context.tsx';
import { sourceLabels } from './source-labels.ts';
import { SuggestionTracker } from './suggestion-feedback.ts';
import './assist.css';

/** What the composer asks of the suggestions (by key, and when the agent sends). */
export interface AssistHandle {
  /** Puts the suggestion at `index` in the composer; false when there is none. */
  insert(index: number): boolean;
  /** The agent sent a reply. */
  sent(text: string): void;
}

const tracker = new SuggestionTracker((conversationId, source, outcome) => {
  sendSuggestionFeedback(conversationId, { source, outcome }).catch(() => {});
});

/** Why the model's suggestion is missing, in a few quiet words. */
function modelLine(state: ModelState): string | null {
  if (state === 'timeout') return t('No model suggestion: it did not answer in time.');
  if (state === 'down') return t('No model suggestion: the model server cannot be reached.');
  if (state === 'garbage') return t('No model suggestion: its answer could not be used.');
  if (state === 'too_long') return t('No model suggestion: its answer was too long.');
  return null;
}

interface View {
  seq: number;
  items: Suggestion[];
  model: ModelState;
  draft: string;
}

export default function AssistSuggestions({
  ref,
  conversationId: id,
  onInsert,
  expand,
}: {
  ref: Ref<AssistHandle>;
  conversationId: string;
  onInsert: (text: string) => void;
  /** A canned response's text with its variables filled in, as the picker inserts it. */
  expand: (text: string) => string;
}) {
  // Drawn again when the language changes.
  useT();
  const store = useWorkspaceStore();
  const live = useWorkspace((s) => s.assist[id], undefined);
  const [fetched, setFetched] = useState<View | null>(null);
  // The agent's reply settles a line; re-read the tracker when it does.
  const [, setReplies] = useState(0);

  // Suggestions made before this chat was opened: asked once; the socket brings the newer ones.
  useEffect(() => {
    let on = true;
    getSuggestions(id).then(
      (l) => {
        if (!on) return;
        // A model still writing on the server streams to the socket only: show what is done.
        const model = l.model === 'writing' || !l.model ? 'off' : l.model;
        // The line they answer is the server's: the chat's own lines may not have it yet, or may have
        // a newer one whose suggestions the socket brings.
        setFetched({ seq: l.seq ?? -1, items: l.items, model, draft: '' });
      },
      () => {},
    );
    return () => {
      on = false;
    };
  }, [id]);

  // A chat that ended while it was open: what was shown and not used counts as ignored.
  useEffect(
    () => () => {
      const chat = store?.getState().chats[id];
      if (!chat || chat.ended || chat.conversation.status !== 'active') tracker.ended(id);
    },
    [store, id],
  );

  // The newer of the two; the socket's on a tie (it streams the model's draft). A view the socket
  // started for a translation or a summary holds no line yet (seq -1).
  const view: View | null = live && (!fetched || live.seq >= fetched.seq) ? live : fetched;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the variables change with the chat, which remounts this.
  const items = useMemo(() => {
    if (!view) return [];
    const list = view.items
      .slice(0, 4)
      .map((s) => (s.source === 'canned' ? { ...s, text: expand(s.text) } : s));
    if (view.model === 'done' && view.draft) list.push({ source: 'model', text: view.draft });
    return list;
  }, [view]);
  const seq = view?.seq ?? -1;
  // Answered already (before this chat was opened, or by a colleague who joined): done with.
  const replied = useWorkspace(
    (s) => s.chats[id]?.messages.some((m) => m.seq > seq && m.senderKind === 'agent') ?? false,
    false,
  );
  const settled = replied || tracker.settled(id, seq);

  useEffect(() => {
    if (!settled && items.length > 0) tracker.shown(id, seq, items);
  }, [id, seq, items, settled]);

  function insert(index: number): boolean {
    const s = settled ? undefined : items[index];
    if (!s) return false;
    tracker.inserted(id, seq, s);
    onInsert(s.text);
    return true;
  }

  useImperativeHandle(ref, () => ({
    insert,
    sent(text: string) {
      tracker.sent(id, text);
      setReplies((n) => n + 1);
    },
  }));

  if (!view || settled) return null;
  const writing = view.model === 'writing';
  const failed = modelLine(view.model);
  if (items.length === 0 && !writing && !failed) return null;
  const labels = sourceLabels();
  return (
    <section
      className="assist-suggestions"
      aria-label={t('Suggested replies')}
      data-testid="assist-suggestions"
    >
      <header className="assist-head">
        <span className="assist-title">
          <SparkIcon />
          {t('Suggested replies')}
        </span>
        {items.length > 0 && (
          <span className="assist-hint">
            {t('{keys} to insert and edit', { keys: `Alt+1…${Math.min(items.length, 4)}` })}
          </span>
        )}
      </header>
      {items.length > 0 && (
        <ol className="assist-list">
          {items.map((s, i) => (
            <li key={`${s.source}-${s.text}`}>
              <button
                type="button"
                className="assist-item"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => insert(i)}
                title={s.text}
                data-testid="assist-suggestion"
                data-source={s.source}
              >
                <kbd className="assist-key">{i + 1}</kbd>
                <span className={`assist-source assist-source-${s.source}`}>{labels[s.source]}</span>
                <span className="assist-text">{s.text}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
      {writing && (
        <p className="assist-writing" aria-live="polite" data-testid="assist-model-writing">
          <span className="assist-source assist-source-model">{labels.model}</span>
          <span className="assist-text">
            {view.draft ? view.draft : t('Writing a suggestion…')}
            <span className="assist-caret" aria-hidden="true" />
          </span>
        </p>
      )}
      {failed && (
        <p className="assist-quiet" data-testid="assist-model-state" data-state={view.model}>
          {failed}
        </p>
      )}
    </section>
  );
}

function SparkIcon() {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" className="assist-icon">
      <path
        d="M8 1.5l1.6 4.1 4.1 1.6-4.1 1.6L8 12.9 6.4 8.8 2.3 7.2l4.1-1.6L8 1.5zM13 11l.6 1.4L15 13l-1.4.6L13 15l-.6-1.4L11 13l1.4-.6L13 11z"
        fill="currentColor"
      />
    </svg>
  );
}
