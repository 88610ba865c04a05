import type { EngageFrame, ExposureOutcome } from '@beckon/protocol';
import { createStorage } from '../storage.ts';
import type { Widget, WidgetHost } from '../widget-api.ts';
import { type ChatController, createChatController } from './chat/chat-controller.ts';
import { CHAT_CSS } from './chat/chat-styles.ts';
import { contentView, offlineView } from './content-card.ts';
import { h } from './dom.ts';
import { isEditable, pageFocus } from './focus.ts';
import { lang, pack, t } from './i18n/i18n.ts';
import { invitationView } from './invitation.ts';
import { keepClear } from './keep-clear.ts';
import { applyStyles, CSS } from './styles.ts';

/** The element the widget lives under; everything it draws is inside its shadow root. */
export const HOST_TAG = 'beckon-widget';

/** Where the chat lives: the Beckon origin and the site's public key. */
export interface WidgetSite {
  origin: string;
  siteKey: string;
}

interface Shown {
  view: HTMLElement;
  exposureId: string;
  /** Where focus was in the page before we took it, to give it back. */
  returnFocus: HTMLElement | null;
}

/**
 * Creates the widget: one host element with an open shadow root, at most one invitation or offer
 * at a time, and the chat (launcher and panel). Without a site (an old loader) there is no chat.
 */
export function createWidget(host: WidgetHost, site: WidgetSite | null): Widget {
  const hostEl = document.createElement(HOST_TAG);
  const shadow = hostEl.attachShadow({ mode: 'open' });
  applyStyles(shadow, CSS + CHAT_CSS + (pack.css || ''));
  // The widget's language and direction, on its root (the host element) and on what it draws.
  const dir = pack.dir || 'ltr';
  hostEl.lang = lang;
  hostEl.dir = dir;
  const stage = h('div', { class: 'bk', lang, dir });
  shadow.append(stage);
  let shown: Shown | undefined;

  const mount = (view: HTMLElement) => {
    // On <html>, not <body>: frameworks that swap <body> on navigation leave the widget alone.
    if (!hostEl.isConnected) document.documentElement.append(hostEl);
    stage.append(view);
  };

  const storage = createStorage(() => localStorage, document, location.protocol === 'https:');
  // Consent withdrawn in another page: an old chat is not brought back.
  let chat: ChatController | null =
    site && storage.get('beckon.consent') !== '0'
      ? createChatController({
          ...site,
          hostEl,
          mount,
          storage,
          visitorId: () => storage.get('beckon.vid') || undefined,
          ...(host.identity ? { identity: host.identity } : {}),
        })
      : null;

  const close = (restore: boolean) => {
    if (!shown) return;
    const { view, returnFocus } = shown;
    const hadFocus = shadow.activeElement !== null;
    view.remove();
    shown = undefined;
    if (restore && hadFocus && returnFocus?.isConnected) returnFocus.focus();
  };

  const present = (frame: EngageFrame, view: HTMLElement, focusTarget: HTMLElement, steal: boolean) => {
    close(false);
    const returnFocus = pageFocus(hostEl);
    shown = { view, exposureId: frame.exposureId, returnFocus };
    mount(view);
    if (steal || !isEditable(returnFocus)) focusTarget.focus();
    host.outcome(frame.exposureId, 'shown');
  };

  const finish = (exposureId: string, outcome: ExposureOutcome) => {
    if (shown?.exposureId !== exposureId) return;
    host.outcome(exposureId, outcome);
    close(outcome === 'dismissed');
  };

  return {
    stop() {
      close(false);
      chat?.stop();
      chat = null;
      hostEl.remove();
    },
    show(frame) {
      if (!frame) return chat?.takeUp();
      // The server takes back an offer whose condition no longer holds (an empty-cart offer once the cart is filled).
      if (frame.withdraw) {
        if (shown?.exposureId === frame.exposureId) close(true);
        return;
      }
      // The campaign's texts in the visitor's language, where it has them; its default text otherwise.
      const e: typeof frame.engagement = {
        ...frame.engagement,
        // biome-ignore lint/complexity/useOptionalChain: `?.` costs widget bytes in the ES2019 build.
        ...((frame.engagement as { translations?: Record<string, object> }).translations || {})[lang],
      };
      const id = frame.exposureId;
      // Someone already chatting is not interrupted by another offer.
      if (chat?.busy() && e.type !== 'chat_button' && e.type !== 'call' && e.type !== 'callback') return;
      if (e.type === 'chat_invitation') {
        const { view, focusTarget } = invitationView(e, frame.agentName, {
          accept: () => {
            finish(id, 'accepted');
            chat?.open({
              source: 'invitation',
              exposureId: id,
              skillId: e.skillId,
              greeting: e.message,
              // The server names the agent of a manual invitation only while they can take the chat.
              direct: frame.campaignId === 'manual' && !!frame.agentName,
              ...(frame.agentName ? { agentName: frame.agentName } : {}),
            });
          },
          dismiss: () => finish(id, 'dismissed'),
        });
        present(frame, view, focusTarget, e.style === 'overlay');
        // A toaster, like an offer, keeps off the page's primary buttons (an overlay is modal).
        if (e.style !== 'overlay') keepClear(view);
      } else if (e.type === 'content') {
        const view = contentView(e, {
          click: () => finish(id, 'clicked'),
          dismiss: () => finish(id, 'dismissed'),
        });
        present(frame, view, view, false);
        keepClear(view, 'dock');
      } else if (e.type === 'offline_message') {
        const view = offlineView(e, {
          leave: chat
            ? () => {
                finish(id, 'accepted');
                chat?.open({ source: 'visitor', skillId: e.skillId, offline: e.message });
              }
            : null,
          dismiss: () => finish(id, 'dismissed'),
        });
        present(frame, view, view, false);
        keepClear(view);
      } else if ((e.type === 'chat_button' || e.type === 'call' || e.type === 'callback') && chat) {
        chat.button(e.label ?? (e.type === 'call' ? t('Call us') : t('Call me back')), () => {
          host.outcome(id, 'accepted');
          return {
            source: 'button',
            exposureId: id,
            skillId: e.skillId,
            ...(e.type === 'chat_button' ? {} : { [e.type]: true }),
            ...(frame.agentName ? { agentName: frame.agentName } : {}),
          };
        });
        host.outcome(id, 'shown');
      }
    },
  };
}
