import type { ChatInvitation } from '@beckon/protocol';
import { h, icon, initials } from './dom.ts';
import { trapTab } from './focus.ts';
import { t } from './i18n/i18n.ts';
import { invitationAnswers, invitationFrom } from './invitation-copy.ts';

export interface InvitationActions {
  accept(): void;
  dismiss(): void;
}

let seq = 0;

/** A proactive chat invitation: a toaster (bottom-right) or a modal overlay, with Accept and Not now. */
export function invitationView(
  invitation: ChatInvitation,
  agentName: string | undefined,
  actions: InvitationActions,
): { view: HTMLElement; focusTarget: HTMLElement } {
  const id = `bk-inv-${++seq}`;
  const overlay = invitation.style === 'overlay';
  const from = invitationFrom(agentName);
  const [yes, no] = invitationAnswers();
  const card = h(
    'div',
    {
      class: 'card',
      role: overlay ? 'dialog' : 'alertdialog',
      'aria-modal': overlay ? 'true' : null,
      'aria-labelledby': `${id}-name`,
      'aria-describedby': `${id}-msg`,
      tabindex: -1,
      onkeydown: (e) => {
        const key = e as KeyboardEvent;
        if (key.key === 'Escape') {
          key.stopPropagation();
          actions.dismiss();
        } else if (overlay) trapTab(card, key);
      },
    },
    h(
      'div',
      { class: 'head' },
      h(
        'div',
        { class: 'avatar', 'aria-hidden': 'true' },
        from.agent ? initials(from.agent) : icon('chat', 22),
      ),
      h(
        'div',
        { class: 'who' },
        h('p', { class: 'name', id: `${id}-name` }, from.name),
        h('p', { class: 'status' }, from.status),
      ),
    ),
    h('p', { class: 'msg', id: `${id}-msg` }, invitation.message),
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'btn primary', type: 'button', onclick: actions.accept }, icon('chat', 18), yes),
      h('button', { class: 'btn secondary', type: 'button', onclick: actions.dismiss }, no),
    ),
    // Last in tab order, first-looking in the corner.
    h(
      'button',
      { class: 'x', type: 'button', 'aria-label': t('Close'), onclick: actions.dismiss },
      icon('close', 18),
    ),
  );
  if (!overlay) return { view: card, focusTarget: card };
  const backdrop = h('div', {
    class: 'overlay',
    onclick: (e) => {
      if (e.target === backdrop) actions.dismiss();
    },
  });
  backdrop.append(card);
  return { view: backdrop, focusTarget: card };
}
