import { h, icon, initials } from '../dom.ts';
import { trapTab } from '../focus.ts';
import { t } from '../i18n/i18n.ts';
import { FULL_SCREEN } from './chat-styles.ts';

export interface PanelOptions {
  /** Escape or the minimise button. */
  minimise(): void;
  /** The visitor confirmed "End chat". */
  end(): void;
  /** Files dropped anywhere on the panel. */
  drop(files: FileList): void;
}

/** The chat panel's frame: header (who, status, End chat, minimise), a connection notice and a body. */
export interface Panel {
  view: HTMLElement;
  body: HTMLElement;
  setHeader(title: string, status: string, opts?: { avatar?: string | null; away?: boolean }): void;
  /** Shows "End chat" (only while a conversation is going). */
  setEndable(on: boolean): void;
  setNotice(text: string | null, action?: { label: string; run(): void }): void;
  /** Accepts dropped files only while the composer is shown. */
  setDroppable(on: boolean): void;
  /** Mounts an overlay (the picture viewer) over the panel. */
  overlay(el: HTMLElement | null): void;
  /** Shows the header's call button (null: hidden). */
  setCallable(run: (() => void) | null): void;
  /** Where a call in progress shows (under the header). */
  callSlot: HTMLElement;
}

/** Builds the panel frame; its body shows one stage at a time (form, conversation, survey…). */
export function panelView(opts: PanelOptions): Panel {
  const avatar = h('div', { class: 'avatar', 'aria-hidden': 'true' });
  const title = h('p', { class: 'name' });
  const status = h('p', { class: 'status' });
  const endButton = h('button', { class: 'end', type: 'button', hidden: true }, t('End chat'));
  let onCall: (() => void) | null = null;
  const callButton = h(
    'button',
    {
      class: 'x callbtn',
      type: 'button',
      hidden: true,
      'aria-label': t('Call us'),
      onclick: () => onCall?.(),
    },
    icon('phone', 18),
  );
  const callSlot = h('div', { class: 'callslot' });
  const notice = h('div', { class: 'notice', role: 'status', hidden: true });
  const body = h('div', { class: 'body' });
  const dropHint = h(
    'div',
    { class: 'drop', 'aria-hidden': 'true' },
    icon('clip', 28),
    t('Drop files to attach'),
  );
  let droppable = false;
  let layer: HTMLElement | null = null;
  // Full screen, the page underneath is out of sight: the panel is modal there, and only there.
  const fullScreen = matchMedia(FULL_SCREEN);

  const confirmEnd = () => {
    const keep = h('button', { class: 'btn secondary', type: 'button' }, t('Keep chatting'));
    const yes = h('button', { class: 'btn danger', type: 'button' }, t('End chat'));
    const sheet: HTMLElement = h(
      'div',
      {
        class: 'confirm',
        role: 'alertdialog',
        'aria-modal': 'true',
        'aria-labelledby': 'bk-end-q',
        'aria-describedby': 'bk-end-d',
        onkeydown: (e) => {
          const key = e as KeyboardEvent;
          if (key.key === 'Escape') {
            key.stopPropagation();
            done(false);
          } else trapTab(sheet, key);
        },
      },
      h(
        'div',
        { class: 'sheet' },
        h('h3', { class: 'title', id: 'bk-end-q' }, t('End this chat?')),
        h('p', { class: 'text', id: 'bk-end-d' }, t('You can still read the conversation afterwards.')),
        h('div', { class: 'actions' }, yes, keep),
      ),
    );
    const done = (end: boolean) => {
      sheet.remove();
      if (end) opts.end();
      else endButton.focus();
    };
    keep.addEventListener('click', () => done(false));
    yes.addEventListener('click', () => done(true));
    view.append(sheet);
    keep.focus();
  };
  endButton.addEventListener('click', confirmEnd);

  const view: HTMLElement = h(
    'section',
    {
      class: 'panel',
      role: 'dialog',
      'aria-label': t('Chat'),
      tabindex: -1,
      onkeydown: (e) => {
        const key = e as KeyboardEvent;
        if (key.key === 'Escape') opts.minimise();
        else if (fullScreen.matches) trapTab(view, key);
      },
      ondragover: (e) => {
        const d = e as DragEvent;
        if (!droppable || !d.dataTransfer?.types.includes('Files')) return;
        d.preventDefault();
        view.classList.add('dragging');
      },
      ondragleave: (e) => {
        if (e.target === view || !view.contains((e as DragEvent).relatedTarget as Node)) {
          view.classList.remove('dragging');
        }
      },
      ondrop: (e) => {
        const d = e as DragEvent;
        view.classList.remove('dragging');
        if (!droppable || !d.dataTransfer?.files.length) return;
        d.preventDefault();
        opts.drop(d.dataTransfer.files);
      },
    },
    h(
      'div',
      { class: 'bar' },
      avatar,
      h('div', { class: 'who' }, title, status),
      callButton,
      endButton,
      h(
        'button',
        { class: 'x', type: 'button', 'aria-label': t('Minimise chat'), onclick: opts.minimise },
        icon('down', 20),
      ),
    ),
    notice,
    callSlot,
    body,
    dropHint,
  );
  const modal = () => view.setAttribute('aria-modal', String(fullScreen.matches));
  modal();
  fullScreen.onchange = modal;

  return {
    view,
    body,
    callSlot,
    setCallable(run) {
      onCall = run;
      callButton.hidden = !run;
    },
    setHeader(text, line, o = {}) {
      title.textContent = text;
      status.textContent = line;
      view.setAttribute('aria-label', text);
      avatar.replaceChildren(o.avatar ? initials(o.avatar) : icon('chat', 22));
      avatar.classList.toggle('away', Boolean(o.away));
    },
    setEndable(on) {
      endButton.hidden = !on;
    },
    setNotice(text, action) {
      notice.hidden = !text;
      notice.replaceChildren(
        h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
        text ?? '',
        action ? h('button', { class: 'link', type: 'button', onclick: action.run }, action.label) : '',
      );
    },
    setDroppable(on) {
      droppable = on;
    },
    overlay(el) {
      layer?.remove();
      layer = el;
      if (el) view.append(el);
    },
  };
}
