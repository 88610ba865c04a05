import { CHAT_KEY } from '../../chat-key.ts';
import type { ChatState } from './chat-state.ts';

/** How many recent messages a page keeps for the next one, so the history shows at once. */
export const KEPT_MESSAGES = 150;

/** What one page leaves the next about the visitor's open chat. */
export interface SavedChat {
  siteKey: string;
  token: string;
  /** Resume after this sequence number (0 when the kept history is incomplete). */
  afterSeq: number;
  state: ChatState;
  /** The panel was open (not minimised). */
  open: boolean;
  /** The chat ended and the survey was answered or skipped; only the thank-you remains. */
  rated?: 'rated' | 'skipped';
}

/** The part of `sessionStorage` the chat uses. */
export interface SessionLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ChatStore {
  load(siteKey: string): SavedChat | null;
  /** Saves (or, with null, forgets) the open chat. */
  save(chat: SavedChat | null): void;
}

const isState = (s: unknown): s is ChatState => {
  const st = s as ChatState | null;
  return (
    !!st && Array.isArray(st.messages) && Array.isArray(st.outbox) && typeof st.deliveredSeq === 'number'
  );
};

/** The snapshot as stored: at most the last KEPT_MESSAGES messages; fewer means resuming from the start. */
export function snapshot(chat: SavedChat): SavedChat {
  const { messages } = chat.state;
  if (messages.length <= KEPT_MESSAGES) return chat;
  return {
    ...chat,
    afterSeq: 0,
    state: { ...chat.state, messages: messages.slice(-KEPT_MESSAGES) },
  };
}

/**
 * Keeps the chat token and what was shown in `sessionStorage` (this tab only, gone when it
 * closes), or in memory when storage is blocked or full: the conversation then survives
 * single-page navigation but not a reload.
 */
export function createChatStore(session: () => SessionLike): ChatStore {
  let memory: string | null = null;
  const write = (value: string | null) => {
    memory = value;
    try {
      if (value === null) session().removeItem(CHAT_KEY);
      else session().setItem(CHAT_KEY, value);
    } catch {
      // Blocked or full: keep at least the token, so a reload can still reopen the chat.
      try {
        const small = value && JSON.parse(value);
        if (small)
          session().setItem(CHAT_KEY, JSON.stringify({ ...small, afterSeq: 0, state: trimmed(small.state) }));
      } catch {
        // memory only
      }
    }
  };
  return {
    load(siteKey) {
      let raw = memory;
      try {
        raw = session().getItem(CHAT_KEY) ?? memory;
      } catch {
        // memory only
      }
      try {
        const chat = raw ? (JSON.parse(raw) as SavedChat) : null;
        if (!chat || chat.siteKey !== siteKey || typeof chat.token !== 'string' || !isState(chat.state))
          return null;
        return chat;
      } catch {
        return null;
      }
    },
    save(chat) {
      write(chat ? JSON.stringify(snapshot(chat)) : null);
    },
  };
}

/** The state without its history (what still fits when storage is nearly full). */
function trimmed(state: ChatState): ChatState {
  return { ...state, messages: [], deliveredSeq: 0 };
}
