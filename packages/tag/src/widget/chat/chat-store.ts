import { CHAT_KEY } from '../../chat-key.ts';
import type { KeyValueStore, TagStorage } from '../../storage.ts';
import type { ChatState } from './chat-state.ts';

/** How many recent messages a page keeps for the next one, so the history shows at once. */
export const KEPT_MESSAGES = 150;

/** What one page leaves the next (and the site's other tabs) about the visitor's open chat. */
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
  /** When it was saved (epoch ms): a chat found ended long after is not brought back. */
  at?: number;
}

/** What a change of storage in another tab says (the part of a `StorageEvent` the chat reads). */
export interface StorageChange {
  key: string | null;
  newValue: string | null;
}

/** Where another tab's storage changes are heard: `window`. */
export interface OtherTabs {
  addEventListener(type: 'storage', listener: (e: StorageChange) => void): void;
}

export interface ChatStore {
  load(siteKey: string): SavedChat | null;
  /** Saves (or, with null, forgets) the open chat. */
  save(chat: SavedChat | null): void;
  /** Calls `changed` when another tab saves or forgets a chat (with null when none of this site is left). */
  watch(siteKey: string, changed: (chat: SavedChat | null) => void): void;
}

const isState = (s: unknown): s is ChatState => {
  const st = s as ChatState | null;
  return (
    !!st && Array.isArray(st.messages) && Array.isArray(st.outbox) && typeof st.deliveredSeq === 'number'
  );
};

/** A stored chat of this site, or null for anything else (another site's, unreadable, none). */
function parse(raw: string | null, siteKey: string): SavedChat | null {
  try {
    const chat = raw ? (JSON.parse(raw) as SavedChat) : null;
    if (!chat || chat.siteKey !== siteKey || typeof chat.token !== 'string' || !isState(chat.state))
      return null;
    return chat;
  } catch {
    return null;
  }
}

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

/** The chat without its history or unsent messages: what still fits when storage is full, or in a cookie. */
function compact(chat: SavedChat): SavedChat {
  return { ...chat, afterSeq: 0, state: { ...chat.state, messages: [], outbox: [], deliveredSeq: 0 } };
}

/**
 * Keeps the chat token and what was shown in `localStorage`, so every tab of the site and a later
 * visit find the chat while it is open. When that refuses the whole snapshot, the chat without its
 * history goes through `fallback` (localStorage, else a first-party cookie, as the visitor id); when
 * nothing can be written, it stays in memory and survives single-page navigation only.
 */
export function createChatStore(
  local: () => KeyValueStore,
  fallback: TagStorage,
  tabs: OtherTabs,
): ChatStore {
  let memory: string | null = null;
  return {
    load: (siteKey) => parse(fallback.get(CHAT_KEY) ?? memory, siteKey),
    save(chat) {
      memory = chat && JSON.stringify(snapshot(chat));
      if (memory) {
        try {
          return local().setItem(CHAT_KEY, memory);
        } catch {
          // blocked or full: the chat without its history, where it fits
        }
      }
      // Forgetting goes this way too, so a cookie left from a full storage goes as well.
      fallback.set(CHAT_KEY, chat && JSON.stringify(compact(chat)));
    },
    watch(siteKey, changed) {
      tabs.addEventListener('storage', (e) => {
        if (e.key !== CHAT_KEY && e.key !== null) return;
        memory = e.key ? e.newValue : null;
        changed(parse(memory, siteKey));
      });
    },
  };
}
