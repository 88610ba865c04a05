import { h, icon } from '../dom.ts';
import { t } from '../i18n/i18n.ts';

/** The floating button that opens the chat: a chat button's label, or a round bubble with an unread count. */
export interface Launcher {
  view: HTMLButtonElement;
  /** The label of a `chat_button` engagement, or null for the plain bubble. */
  setLabel(label: string | null): void;
  setUnread(count: number): void;
}

/** Creates the launcher; `open` runs on click. */
export function launcherView(open: () => void): Launcher {
  const text = h('span', { class: 'label' });
  const badge = h('span', { class: 'unread', 'aria-hidden': 'true', hidden: true });
  const view = h(
    'button',
    { class: 'fab', type: 'button', 'aria-haspopup': 'dialog', onclick: open },
    icon('chat', 22),
    text,
    badge,
  );
  let label: string | null = null;
  let unread = 0;
  const describe = () => {
    view.classList.toggle('round', !label);
    text.textContent = label ?? '';
    text.hidden = !label;
    badge.hidden = unread === 0;
    badge.textContent = unread > 9 ? '9+' : String(unread);
    view.setAttribute(
      'aria-label',
      `${label ?? t('Open chat')}${unread ? `, ${t('{n} unread message|{n} unread messages', { n: unread })}` : ''}`,
    );
  };
  describe();
  return {
    view,
    setLabel(l) {
      label = l;
      describe();
    },
    setUnread(n) {
      unread = n;
      describe();
    },
  };
}
