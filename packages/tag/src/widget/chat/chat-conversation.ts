import { focusWithin } from '../focus.ts';
import { t } from '../i18n/i18n.ts';
import { lightboxView } from './attachment-view.ts';
import type { ChatHttp } from './chat-http.ts';
import type { ChatSession } from './chat-session.ts';
import { answered, isLive } from './chat-state.ts';
import { chatHeader } from './chat-status.ts';
import type { SavedChat } from './chat-store.ts';
import { type Composer, composerView } from './composer.ts';
import { csatView, thanksView } from './csat-view.ts';
import { type MessageList, messageList } from './message-list.ts';
import type { Panel } from './panel-view.ts';

export interface ConversationOptions {
  origin: string;
  panel: Panel;
  session: ChatSession;
  http: ChatHttp;
  /** Who invited, until an agent takes the chat. */
  fallbackName: string | null;
  rated: SavedChat['rated'];
  /** The panel is showing (not minimised). */
  isOpen(): boolean;
  restart(): void;
  close(): void;
}

/** The conversation screen: the message list and, below it, the composer, the survey or the thank-you. */
export interface ConversationView {
  render(): void;
  /** The survey was answered or skipped. */
  readonly rated: SavedChat['rated'];
  /** Only the thank-you is left: closing the panel forgets the chat. */
  readonly finished: boolean;
  /** Where the caret goes when the panel opens. */
  readonly focusTarget: HTMLElement | null;
  toBottom(): void;
  /** Asks the server to end the chat (the visitor confirmed). */
  end(): void;
  addFiles(files: Iterable<File>): void;
}

type Footer = 'composer' | 'survey' | 'thanks';

/** Builds the conversation screen into the panel and keeps it in step with the session. */
export function conversationView(opts: ConversationOptions): ConversationView {
  const { panel, session, http } = opts;
  let rated = opts.rated;
  let kind: Footer | null = null;
  let footer: HTMLElement | null = null;
  let focusTarget: HTMLElement | null = null;

  const list: MessageList = messageList({
    origin: opts.origin,
    retry: (id) => session.retry(id),
    discard: (id) => session.discard(id),
    reply: (text) => session.send(text, []),
    openImage: (src, name, from) =>
      panel.overlay(
        lightboxView(src, name, () => {
          panel.overlay(null);
          from.focus();
        }),
      ),
  });
  const composer: Composer = composerView({
    send: (text, attachments) => session.send(text, attachments),
    typing: (on) => session.typing(on),
    upload: (file, progress) => http.upload(session.token ?? '', file, progress),
  });
  panel.body.replaceChildren(list.view);
  panel.setNotice(null);

  const survey = () =>
    csatView({
      agentName: session.state.conversation?.agentName ?? null,
      submit: async (score, comment) => {
        const token = session.token;
        if (!token) return;
        const c = await http.csat(token, { score, ...(comment ? { comment } : {}) });
        rated = 'rated';
        session.apply({ type: 'conversation', conversation: c });
        render();
      },
      skip: () => {
        rated = 'skipped';
        render();
      },
    });

  /** Swaps the part under the log; the log itself stays put (moving it would lose its scroll position). */
  const showFooter = (next: Footer) => {
    kind = next;
    const hadFocus = focusWithin(panel.view);
    let el: HTMLElement;
    if (next === 'composer') {
      el = composer.view;
      focusTarget = composer.input;
    } else if (next === 'survey') {
      const s = survey();
      el = s.view;
      focusTarget = s.focusTarget;
    } else {
      // A chat no one answered has nothing to rate: it just ended.
      el = answered(session.state)
        ? thanksView(
            rated !== 'skipped' ? t('Thanks for your feedback!') : t('Thanks for chatting with us'),
            t('The conversation has ended. We’re here if you need anything else.'),
            opts.restart,
            opts.close,
            session.token ? (email) => http.transcript(session.token!, email) : undefined,
          )
        : thanksView(
            t('Still need help?'),
            t('No one had answered yet. Start a new chat whenever you like.'),
            opts.restart,
            opts.close,
          );
      focusTarget = el.querySelector('button');
    }
    footer?.remove();
    footer = el;
    panel.body.append(el);
    panel.setDroppable(next === 'composer');
    list.toBottom();
    // The survey (or the end) takes focus when the chat ends while the visitor is looking; otherwise focus stays put.
    if (hadFocus || (next !== 'composer' && opts.isOpen())) focusTarget?.focus();
  };

  function render() {
    const state = session.state;
    list.render(state);
    const head = chatHeader(state, opts.fallbackName);
    panel.setHeader(head.title, head.status, head);
    const going = isLive(state);
    panel.setEndable(going);
    const next: Footer = going
      ? 'composer'
      : rated || state.conversation?.csatScore || !answered(state)
        ? 'thanks'
        : 'survey';
    if (next !== kind) showFooter(next);
  }

  return {
    render,
    get rated() {
      return rated;
    },
    get finished() {
      return kind === 'thanks';
    },
    get focusTarget() {
      return focusTarget;
    },
    toBottom: () => list.toBottom(),
    end() {
      const token = session.token;
      if (!token) return;
      panel.setNotice(t('Ending the chat…'));
      http.end(token).then(
        (c) => {
          panel.setNotice(null);
          session.apply({ type: 'conversation', conversation: c });
        },
        (err: Error) => panel.setNotice(`Couldn’t end the chat. ${err.message}`),
      );
    },
    addFiles: (files) => composer.addFiles(files),
  };
}
