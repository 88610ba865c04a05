import type { ContentOffer, OfflineMessage } from '@beckon/protocol';
import { h, icon, safeUrl } from './dom.ts';
import { t } from './i18n/i18n.ts';

export interface ContentActions {
  click(): void;
  dismiss(): void;
}

let seq = 0;
const onEscape = (dismiss: () => void) => (e: Event) => {
  if ((e as KeyboardEvent).key === 'Escape') dismiss();
};

/**
 * A content offer: optional image, title, text and a call-to-action link. Everything from the
 * server is set as text; the image and link are used only when they are http(s) URLs.
 */
export function contentView(offer: ContentOffer, actions: ContentActions): HTMLElement {
  const id = `bk-offer-${++seq}`;
  const image = safeUrl(offer.imageUrl);
  const href = safeUrl(offer.ctaUrl);
  const img = image
    ? h('img', { alt: '', src: image, referrerpolicy: 'no-referrer', decoding: 'async' })
    : null;
  // A broken image should not leave an empty box on the page.
  img?.addEventListener('error', () => img.remove());
  return h(
    'section',
    {
      class: 'card offer',
      role: 'dialog',
      'aria-labelledby': `${id}-title`,
      'aria-describedby': offer.text ? `${id}-text` : null,
      tabindex: -1,
      onkeydown: onEscape(actions.dismiss),
    },
    img,
    h(
      'div',
      { class: 'body' },
      h('p', { class: 'eyebrow' }, t('Just for you')),
      h('h2', { class: 'title', id: `${id}-title` }, offer.title),
      offer.text ? h('p', { class: 'text', id: `${id}-text` }, offer.text) : null,
      href
        ? h('a', { class: 'btn primary', href, onclick: actions.click }, offer.ctaLabel, icon('arrow', 18))
        : null,
    ),
    h(
      'button',
      { class: 'x', type: 'button', 'aria-label': t('Close'), onclick: actions.dismiss },
      icon('close', 18),
    ),
  );
}

/**
 * What a chat engagement becomes when no agent can take a chat now: a notice with a way to leave
 * a message (the offline form in the chat panel).
 */
export function offlineView(
  offline: OfflineMessage,
  actions: Pick<ContentActions, 'dismiss'> & { leave: (() => void) | null },
): HTMLElement {
  const id = `bk-off-${++seq}`;
  return h(
    'section',
    {
      class: 'card',
      role: 'dialog',
      'aria-labelledby': `${id}-title`,
      tabindex: -1,
      onkeydown: onEscape(actions.dismiss),
    },
    h(
      'div',
      { class: 'head' },
      h('div', { class: 'avatar away', 'aria-hidden': 'true' }, icon('clock', 22)),
      h(
        'div',
        { class: 'who' },
        h('p', { class: 'name', id: `${id}-title` }, t('We’re away right now')),
        h('p', { class: 'status' }, t('Leave a message and we’ll reply by email')),
      ),
    ),
    offline.message ? h('p', { class: 'msg' }, offline.message) : null,
    h(
      'div',
      { class: 'actions' },
      actions.leave
        ? h(
            'button',
            { class: 'btn primary', type: 'button', onclick: actions.leave },
            icon('mail', 18),
            t('Leave a message'),
          )
        : null,
      h(
        'button',
        { class: 'btn secondary', type: 'button', onclick: actions.dismiss },
        actions.leave ? t('Not now') : t('OK'),
      ),
    ),
    h(
      'button',
      { class: 'x', type: 'button', 'aria-label': t('Close'), onclick: actions.dismiss },
      icon('close', 18),
    ),
  );
}
