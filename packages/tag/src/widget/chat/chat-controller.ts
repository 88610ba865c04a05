import type { IdentifyEvent } from '@beckon/protocol';
import type { VisitorMessage } from '@beckon/protocol/chat-api';
import { LINK_KEY } from '../../chat-key.ts';
import type { TagStorage } from '../../storage.ts';
import { h } from '../dom.ts';
import { pageFocus } from '../focus.ts';
import { t } from '../i18n/i18n.ts';
import { keepClear } from '../keep-clear.ts';
import type { CallController } from '../voice/call-view.ts';
import { loadVoice } from '../voice/voice-loader.ts';
import { type ConversationView, conversationView } from './chat-conversation.ts';
import { createChatHttp } from './chat-http.ts';
import { type ChatSession, createChatSession, type LinkStatus, type LostReason } from './chat-session.ts';
import {
  type Prefill,
  showCallback,
  showGone,
  showLoading,
  showOffline,
  showPrechat,
} from './chat-stages.ts';
import { type ChatState, emptyChat, forVisitor, isLive, unreadCount } from './chat-state.ts';
import { createChatStore, type SavedChat } from './chat-store.ts';
import { type Launcher, launcherView } from './launcher.ts';
import { type Panel, panelView } from './panel-view.ts';
import type { PrechatValues } from './prechat-form.ts';

/** What opens the chat, and what it knows. */
export interface ChatRequest {
  source: 'invitation' | 'button' | 'visitor';
  exposureId?: string;
  skillId?: string;
  agentName?: string;
  greeting?: string;
  /** Straight to the offline form (an `offline_message` engagement), with the site's words. */
  offline?: string;
  /** A `call` engagement: once the chat is open, the call's microphone explanation follows. */
  call?: boolean;
  /** A `callback` engagement: the "Call me back" form, no chat. */
  callback?: boolean;
  /** An agent's own invitation: they are known and waiting, so the chat starts without the pre-chat form. */
  direct?: boolean;
}

export interface ChatConfig {
  origin: string;
  siteKey: string;
  visitorId(): string | undefined;
  /** The tag's first-party storage (localStorage, else a cookie), where the open chat is kept. */
  storage: TagStorage;
  /** The widget's element in the page (to tell focus in the page from focus in the widget). */
  hostEl: HTMLElement;
  mount(el: HTMLElement): void;
  /** The page's last verified identify (a signed-in user), if any. */
  identity?(): IdentifyEvent | undefined;
}

/** The visitor's chat in the widget: launcher, panel, and the way from pre-chat to the thank-you. */
export interface ChatController {
  open(req: ChatRequest): void;
  /** A `chat_button` engagement: its label goes on the launcher; `accept` runs when it is first used. */
  button(label: string, accept: () => ChatRequest): void;
  /** True while a conversation is going or the panel is open: other engagements wait. */
  busy(): boolean;
  /** Takes up a conversation a link names or a signed-in user has open, when none is going here. */
  takeUp(): void;
  /** Consent withdrawn: the chat's socket closes, its panel and launcher go, and nothing of it is kept. */
  stop(): void;
}

/** A chat found ended when the page comes back this long after it was last saved is not shown again. */
const ENDED_SHOWN_MS = 10 * 60_000;

/** Creates the chat, bringing back a conversation left open on the previous page or in another tab. */
export function createChatController(cfg: ChatConfig): ChatController {
  const http = createChatHttp(cfg.origin, cfg.siteKey);
  const store = createChatStore(() => localStorage, cfg.storage, window);
  const live = h('div', { class: 'sr', 'aria-live': 'polite' });
  cfg.mount(live);
  let panel: Panel | null = null;
  let launcher: Launcher | null = null;
  /** Moves the launcher off the page's buttons and title again (its label changed its width). */
  let replaceLauncher = () => {};
  let session: ChatSession | null = null;
  let view: ConversationView | null = null;
  let request: ChatRequest = { source: 'visitor' };
  /** A chat brought back from long ago: shown only once the server says it is still going. */
  let unconfirmed: SavedChat | null = null;
  let opened = false;
  let engaged = false;
  let buttonLabel: string | null = null;
  let buttonAccept: (() => ChatRequest) | null = null;
  let returnFocus: HTMLElement | null = null;
  let starting: { resolve(): void; reject(err: Error): void; values: PrechatValues } | null = null;

  const announce = (text: string) => {
    live.textContent = '';
    window.setTimeout(() => {
      live.textContent = text;
    }, 50);
  };
  const agentName = () => request.agentName?.trim() || null;

  /** Keeps the chat for the next page; a tab in the background leaves that to the one in front. */
  const persist = () => {
    const token = session?.token;
    if (!session || !token || document.hidden) return;
    store.save({
      siteKey: cfg.siteKey,
      token,
      afterSeq: session.afterSeq,
      state: session.state,
      open: opened,
      ...(view?.rated ? { rated: view.rated } : {}),
      at: Date.now(),
    });
  };

  const syncLauncher = () => {
    // A chat kept from long ago shows nothing of itself until the server says it is still going.
    const going = unconfirmed ? null : session;
    if (opened || (!going && buttonLabel === null && !engaged)) {
      launcher?.view.remove();
      return;
    }
    launcher = launcher ?? launcherView(() => launch());
    launcher.setLabel(going ? null : buttonLabel);
    launcher.setUnread(going ? unreadCount(going.state) : 0);
    if (!launcher.view.isConnected) {
      cfg.mount(launcher.view);
      replaceLauncher = keepClear(launcher.view);
    } else replaceLauncher();
  };

  /** Tells the agent what the visitor has seen: only while the panel shows and the tab is visible. */
  const seeAll = () => {
    if (opened && view && !document.hidden) session?.seen();
  };
  document.addEventListener('visibilitychange', () => {
    seeAll();
    persist();
  });

  /** The conversation's calls, shown under the panel's header (voice.js is fetched on first use). */
  let calls: CallController | null = null;
  const withCalls = (run: (c: CallController) => void) =>
    loadVoice(cfg.origin).then(
      (v) => {
        calls ??= v.createCallController({
          slot: ensurePanel().callSlot,
          send: (f) => session?.callFrame(f) ?? false,
          recorded: () => session?.callsRecorded ?? false,
          announce,
        });
        run(calls);
        syncCall();
      },
      () => announce(t('Not connected. Please try again.')),
    );
  const syncCall = () => {
    const can = session !== null && isLive(session.state) && !calls?.busy;
    panel?.setCallable(can ? () => withCalls((c) => c.start()) : null);
  };
  const endCalls = () => {
    calls?.close();
    calls = null;
  };

  const ensurePanel = (): Panel => {
    panel =
      panel ??
      panelView({
        minimise: () => hide(),
        end: () => view?.end(),
        drop: (files) => view?.addFiles(files),
      });
    return panel;
  };

  /** Shows the panel; `focus` is where the caret goes (none when the page just loaded). */
  const show = (focus: HTMLElement | null) => {
    const p = ensurePanel();
    if (!opened) returnFocus = pageFocus(cfg.hostEl) ?? returnFocus;
    opened = true;
    engaged = true;
    if (!p.view.isConnected) cfg.mount(p.view);
    syncLauncher();
    view?.toBottom();
    focus?.focus();
    seeAll();
    persist();
  };

  /** Escape or minimise: a conversation waits behind the launcher; anything else (an ended one too) closes. */
  const hide = () => {
    if (!panel) return;
    panel.view.remove();
    panel.overlay(null);
    opened = false;
    if (view?.finished || session?.state.conversation?.status === 'closed') forget();
    if (!session) reset();
    syncLauncher();
    persist();
    (launcher?.view.isConnected ? launcher.view : returnFocus)?.focus();
  };

  const reset = () => {
    endCalls();
    panel?.view.remove();
    panel = null;
    view = null;
  };

  /** Lets go of the conversation in this tab, and of what was last read out about it. */
  const leave = () => {
    endCalls();
    session?.close();
    session = null;
    unconfirmed = null;
    live.textContent = '';
  };

  /** Drops the conversation in every tab, so the next chat starts clean. */
  const forget = () => {
    leave();
    store.save(null);
  };

  /** When a closed skill next opens (from availability), for the offline form's "We reply … at …". */
  let opensAt: string | null = null;

  /** The offline form; `chatToken` is a chat that turned offline, which the message then joins. */
  const offline = (
    message?: string,
    prefill: Prefill = {},
    topic?: { name: string; skillId: string },
    chatToken?: string | null,
  ) => {
    const focus = showOffline(ensurePanel(), {
      ...(message !== undefined ? { message } : {}),
      ...(opensAt ? { opensAt } : {}),
      prefill,
      send: (values) => {
        const visitorId = cfg.visitorId();
        const skillId = topic?.skillId ?? request.skillId;
        return http.offline(
          {
            ...values,
            ...(visitorId ? { visitorId } : {}),
            ...(skillId ? { skillId } : {}),
            ...(topic ? { topic: topic.name } : {}),
          },
          chatToken ?? undefined,
        );
      },
      close: () => hide(),
      announce,
    });
    show(focus);
  };

  const askCallback = () => {
    const visitorId = cfg.visitorId();
    const { skillId, exposureId } = request;
    loadVoice(cfg.origin).then(
      (v) => {
        if (!panel) return;
        const focus = showCallback(panel, v.callbackForm, {
          ...(opensAt ? { opensAt } : {}),
          send: (body) =>
            http.callback({
              ...body,
              ...(visitorId ? { visitorId } : {}),
              ...(skillId ? { skillId } : {}),
              ...(exposureId ? { exposureId } : {}),
            }),
          close: () => hide(),
          announce,
        });
        show(focus);
      },
      // Without voice.js (the network failed), the visitor can still leave a message.
      () => offline(),
    );
  };

  const startChat = (values: PrechatValues): Promise<void> => {
    if (values.topic && !values.topic.available) {
      offline(undefined, values, values.topic);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      starting = { resolve, reject, values };
      session = newSession();
      const visitorId = cfg.visitorId();
      const skillId = values.topic?.skillId ?? request.skillId;
      session.start({
        source: request.source,
        ...(visitorId ? { visitorId } : {}),
        ...(request.exposureId ? { exposureId: request.exposureId } : {}),
        ...(skillId ? { skillId } : {}),
        ...(values.topic ? { topic: values.topic.name } : {}),
        ...(values.name ? { name: values.name } : {}),
        ...(values.email ? { email: values.email } : {}),
        ...(values.text ? { text: values.text } : {}),
      });
    });
  };

  // ── the conversation ──────────────────────────────────────────────────────────
  const newSession = (saved?: SavedChat) =>
    createChatSession({
      origin: cfg.origin,
      siteKey: cfg.siteKey,
      ...(saved ? { token: saved.token, state: saved.state, afterSeq: saved.afterSeq } : {}),
      hooks: {
        change: onChange,
        link: onLink,
        incoming: onIncoming,
        lost: onLost,
        call: (f) => withCalls((c) => c.onFrame(f as Parameters<CallController['onFrame']>[0])),
      },
    });

  const enterChat = (rated?: SavedChat['rated']) => {
    view = conversationView({
      origin: cfg.origin,
      panel: ensurePanel(),
      session: session!,
      http,
      fallbackName: agentName(),
      rated,
      isOpen: () => opened,
      restart: () => restart(),
      close: () => hide(),
    });
    render();
    if (opened) view.focusTarget?.focus();
    if (request.call) {
      request = { ...request, call: false };
      withCalls((c) => c.start());
    }
  };

  const render = () => {
    view?.render();
    syncCall();
    syncLauncher();
    seeAll();
    persist();
  };

  function onChange(state: ChatState) {
    const status = state.conversation?.status;
    if (unconfirmed && state.conversation) {
      const saved = unconfirmed;
      unconfirmed = null;
      // Ended while the visitor was away: nothing to come back to (the site's chat button stays).
      if (!isLive(state)) {
        forget();
        return syncLauncher();
      }
      return bringBack(saved);
    }
    if (starting && state.conversation) {
      const { resolve, values } = starting;
      starting = null;
      resolve();
      if (status !== 'offline') return enterChat();
      // No one can take it after all: the offline form, with what the visitor wrote, for the same conversation.
      const token = session?.token;
      forget();
      return offline(undefined, values, undefined, token);
    }
    if (status === 'offline' && view) {
      // Waited past the skill's limit with no one free: ask for an address to answer by email.
      const asked = state.messages.filter((m) => m.senderKind === 'visitor').map((m) => m.text);
      const token = session?.token;
      forget();
      return offline(undefined, { text: asked.join('\n') }, undefined, token);
    }
    render();
  }

  function onLink(status: LinkStatus) {
    if (!view) return;
    panel?.setNotice(
      status === 'reconnecting' ? t('Reconnecting…') : null,
      status === 'reconnecting' ? { label: t('Retry now'), run: () => session?.connect() } : undefined,
    );
  }

  function onIncoming(m: VisitorMessage) {
    announce(m.senderKind === 'system' ? forVisitor(m.text) : `${m.senderName || t('Agent')}: ${m.text}`);
  }

  function onLost(reason: LostReason) {
    if (starting) {
      const { reject } = starting;
      starting = null;
      session?.close();
      session = null;
      reject(
        new Error(
          reason === 'forbidden'
            ? t('Chat isn’t available on this page.')
            : t('We couldn’t start the chat. Check your connection and try again.'),
        ),
      );
      return;
    }
    forget();
    view = null;
    if (panel) {
      const focus = showGone(panel, () => restart());
      if (opened) focus.focus();
    }
    syncLauncher();
  }

  const restart = () => {
    forget();
    reset();
    open({ source: 'visitor' });
  };

  // ── opening ───────────────────────────────────────────────────────────────────
  function open(req: ChatRequest) {
    if (session || (opened && panel)) {
      if (!opened) show(view?.focusTarget ?? null);
      return;
    }
    request = req;
    const intro = req.greeting ? { text: req.greeting, from: agentName() } : undefined;
    const p = ensurePanel();
    showLoading(p, agentName());
    show(p.view);
    if (req.offline !== undefined) return offline(req.offline);
    Promise.all([http.availability(req.skillId).catch(() => null), http.topics().catch(() => [])]).then(
      ([availability, topics]) => {
        if (!panel || session) return;
        opensAt = availability?.opensAt ?? null;
        const away = availability && !availability.available;
        // A callback, or a call no one can take now (closed: from the next opening).
        if (req.callback || (req.call && away)) return askCallback();
        if (away) return offline();
        const form = () =>
          show(
            showPrechat(panel!, {
              agentName: agentName(),
              ...(intro ? { intro } : {}),
              topics,
              ...(req.skillId ? { skillId: req.skillId } : {}),
              submit: startChat,
            }),
          );
        // A chat that could not start this way still has the form, to try again.
        if (req.direct) startChat({ name: '', email: '', topic: null, text: '' }).catch(form);
        else form();
      },
    );
  }

  const launch = () => {
    if (unconfirmed) {
      // Used before the server answered about a chat kept from long ago: it opens as it was left.
      const saved = unconfirmed;
      unconfirmed = null;
      return bringBack({ ...saved, open: true });
    }
    if (session) return show(view?.focusTarget ?? null);
    const accept = buttonAccept;
    buttonAccept = null;
    open(accept ? accept() : { source: 'visitor' });
  };

  /** Shows a chat kept in storage as it was left (without taking the caret). */
  const bringBack = (saved: SavedChat) => {
    enterChat(saved.rated);
    if (saved.open) show(null);
    else syncLauncher();
  };

  /** Reopens a kept chat; one saved long ago waits for the server to say it is still going. */
  const restore = (saved: SavedChat) => {
    session = newSession(saved);
    session.connect();
    if (Date.now() - (saved.at ?? 0) > ENDED_SHOWN_MS) unconfirmed = saved;
    else bringBack(saved);
  };

  /** Takes the panel and the chat's launcher away; the launcher stays only as the site's chat button. */
  const close = () => {
    reset();
    opened = false;
    engaged = false;
    syncLauncher();
  };

  /** Drops the chat here and in every tab, panel and all. */
  const drop = () => {
    forget();
    close();
  };

  /** The user id this page told the server about (identify runs once per user and page). */
  let identified: string | null = null;

  /** A chat the server hands over by token: shown once the server says it is still going. */
  const takeToken = (token: string, open: boolean) =>
    restore({ siteKey: cfg.siteKey, token, afterSeq: 0, state: emptyChat(), open, at: 0 });

  /**
   * A link back to a conversation (a mailed reply) names it in the page's fragment, which is
   * removed at once so it is not bookmarked or shared; a signed-in user the site vouches for gets
   * their latest open conversation from the server, on this device as on any other.
   */
  const takeUp = () => {
    const hash = location.hash;
    const at = hash.indexOf(LINK_KEY);
    if (at >= 0) {
      const token = hash.slice(at + LINK_KEY.length).split('&')[0]!;
      history.replaceState(history.state, '', location.pathname + location.search);
      if (!session && !opened && /^[\w-]{1,100}$/.test(token)) return takeToken(token, true);
    }
    const who = cfg.identity?.();
    const userId = who?.traits.userId;
    if (!who?.userHash || typeof userId !== 'string' || identified === userId) return;
    identified = userId;
    const trait = (k: string) => (typeof who.traits[k] === 'string' ? { [k]: who.traits[k] as string } : {});
    const visitorId = cfg.visitorId();
    // The chat going on here (if any) becomes the signed-in user's; without one, theirs comes here.
    http
      .identify(
        {
          userId,
          userHash: who.userHash,
          ...(visitorId ? { visitorId } : {}),
          ...trait('email'),
          ...trait('name'),
          ...trait('phone'),
        },
        session?.token ?? undefined,
      )
      .then(
        (r) => {
          // The chat kept here was another signed-in user's (a shared browser): it goes, in every tab.
          if (r.released) drop();
          if (r.token && !session && !opened) takeToken(r.token, false);
        },
        () => {
          // Not verified, or not reachable: the visitor can still start a chat as anyone can.
          identified = null;
        },
      );
  };

  // A chat left open on the previous page, in another tab or on an earlier visit comes back.
  const saved = store.load(cfg.siteKey);
  if (saved) restore(saved);
  else takeUp();

  // Another tab ended the chat (or started a new one): this tab lets go of it, and takes up a new one.
  store.watch(cfg.siteKey, (shared) => {
    if (shared?.token === session?.token) return;
    if (session && (!shared || !isLive(session.state))) {
      leave();
      close();
    }
    if (shared && isLive(shared.state) && !session && !opened) restore({ ...shared, open: false });
  });

  return {
    open,
    button(label, accept) {
      buttonLabel = label;
      buttonAccept = accept;
      syncLauncher();
    },
    busy: () => opened || session !== null,
    takeUp,
    stop() {
      buttonLabel = null;
      drop();
      live.remove();
    },
  };
}
