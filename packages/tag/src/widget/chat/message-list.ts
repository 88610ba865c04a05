import type { Attachment, VisitorMessage } from '@beckon/protocol/chat-api';
import { h } from '../dom.ts';
import { locale, t } from '../i18n/i18n.ts';
import { attachmentsView } from './attachment-view.ts';
import { linkify } from './autolink.ts';
import { type ChatState, forVisitor, type OutgoingMessage, seenSeq } from './chat-state.ts';

export interface MessageListOptions {
  origin: string;
  retry(echoId: string): void;
  discard(echoId: string): void;
  openImage(src: string, name: string, from: HTMLElement): void;
  /** A quick reply picked: sent as the visitor's line. */
  reply(text: string): void;
}

/** The conversation as it reads: messages in order, "Seen" and sending states, the typing dots. */
export interface MessageList {
  view: HTMLElement;
  render(state: ChatState): void;
  /** Scrolls to the newest message and follows from there (the panel was just shown). */
  toBottom(): void;
}

/** Message text as text nodes and safe links (http, https, mailto) — never HTML. */
export function richText(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const part of linkify(text)) {
    frag.append(
      typeof part === 'string'
        ? part
        : h('a', { href: part.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, part.text),
    );
  }
  return frag;
}

const timeOf = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : d.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
};

interface Row {
  key: string;
  version: string;
  build(): HTMLElement;
}

/** Creates the message list; `render` updates only what changed, so pictures do not reload. */
export function messageList(opts: MessageListOptions): MessageList {
  const view = h('div', {
    class: 'log',
    role: 'list',
    'aria-label': t('Messages'),
    tabindex: 0,
  });
  const cache = new Map<string, { version: string; el: HTMLElement }>();
  // Follows new messages while the visitor is at the bottom; leaves them be once they scroll up to read.
  let stuck = true;
  const atBottom = () => view.scrollHeight - view.scrollTop - view.clientHeight < 80;
  const follow = () => {
    if (stuck) view.scrollTop = view.scrollHeight;
  };
  view.addEventListener('scroll', () => {
    stuck = atBottom();
  });
  // Pictures grow the log when they load (load events do not bubble, so listen while capturing),
  // and the log shrinks when files wait in the composer or the keyboard opens.
  view.addEventListener('load', follow, true);
  if (typeof ResizeObserver === 'function') new ResizeObserver(follow).observe(view);

  const bubble = (text: string, attachments: Attachment[]) => {
    const files = attachmentsView(attachments, opts.origin, opts.openImage);
    const parts: HTMLElement[] = [];
    if (text) parts.push(h('div', { class: 'bubble' }, richText(text)));
    if (files) parts.push(files);
    return parts;
  };

  /** A bot's card (title, text, a safe link) and, on its latest line only, its quick replies. */
  const extras = (m: VisitorMessage, last: boolean): HTMLElement[] => {
    const out: HTMLElement[] = [];
    const card = m.rich?.card;
    if (card) {
      const safe = card.url && /^https?:\/\//i.test(card.url) ? card.url : null;
      out.push(
        h(
          'div',
          { class: 'bcard' },
          h('strong', {}, card.title),
          card.text ? h('p', {}, card.text) : null,
          safe
            ? h(
                'a',
                { href: safe, target: '_blank', rel: 'noopener noreferrer nofollow' },
                card.linkText || t('Open'),
              )
            : null,
        ),
      );
    }
    const quick = last ? (m.rich?.quickReplies ?? []) : [];
    if (quick.length > 0) {
      out.push(
        h(
          'div',
          { class: 'quick', role: 'group', 'aria-label': t('Quick replies') },
          ...quick.map((q) => h('button', { type: 'button', onclick: () => opts.reply(q.title) }, q.title)),
        ),
      );
    }
    return out;
  };

  const rowFor = (m: VisitorMessage, prev: VisitorMessage | undefined, seen: boolean, last: boolean): Row => {
    if (m.senderKind === 'system') {
      return {
        key: `s${m.seq}`,
        version: 's',
        build: () => h('div', { class: 'sys', role: 'listitem' }, richText(forVisitor(m.text))),
      };
    }
    const mine = m.senderKind === 'visitor';
    // The invitation the visitor accepted reads as it did, under the name it showed (if any).
    const showName =
      !mine && !!m.senderName && (prev?.senderKind !== m.senderKind || prev.senderName !== m.senderName);
    const bot = m.senderKind === 'bot';
    return {
      key: m.echoId ? `e${m.echoId}` : `s${m.seq}`,
      version: `${showName}${seen}${bot && last}`,
      build: () =>
        h(
          'div',
          { class: mine ? 'entry out' : 'entry in', role: 'listitem', title: timeOf(m.createdAt) },
          showName ? h('p', { class: 'from' }, m.senderName || t('Agent')) : null,
          h(
            'span',
            { class: 'sr' },
            mine ? t('You said: ') : t('{name} said: ', { name: m.senderName || t('Agent') }),
          ),
          ...bubble(m.text, m.attachments),
          ...(bot ? extras(m, last) : []),
          seen ? h('p', { class: 'meta' }, t('Seen')) : null,
        ),
    };
  };

  const pendingRow = (o: OutgoingMessage): Row => ({
    key: `e${o.echoId}`,
    version: `p${o.error ?? ''}`,
    build: () =>
      h(
        'div',
        { class: o.error ? 'entry out failed' : 'entry out sending', role: 'listitem' },
        h('span', { class: 'sr' }, t('You said: ')),
        ...bubble(o.text, o.attachments),
        o.error
          ? h(
              'p',
              { class: 'meta err' },
              o.error,
              ' · ',
              h('button', { type: 'button', class: 'link', onclick: () => opts.retry(o.echoId) }, t('Retry')),
              ' · ',
              h(
                'button',
                { type: 'button', class: 'link', onclick: () => opts.discard(o.echoId) },
                t('Delete'),
              ),
            )
          : h('p', { class: 'meta' }, t('Sending…')),
      ),
  });

  const render = (state: ChatState) => {
    const rows: Row[] = [];
    const seen = seenSeq(state);
    const n = state.messages.length;
    state.messages.forEach((m, i) => {
      rows.push(rowFor(m, state.messages[i - 1], m.seq === seen, i === n - 1 && state.outbox.length === 0));
    });
    for (const o of state.outbox) rows.push(pendingRow(o));
    if (state.agentTyping) {
      const who = state.agentTyping.name || state.conversation?.agentName || t('Agent');
      rows.push({
        key: 'typing',
        version: who,
        build: () =>
          h(
            'div',
            { class: 'entry in typing', role: 'listitem' },
            h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
            h('span', { class: 'sr' }, `${who} is typing`),
          ),
      });
    }
    const keep = new Set<string>();
    let cursor: ChildNode | null = view.firstChild;
    for (const row of rows) {
      keep.add(row.key);
      let hit = cache.get(row.key);
      if (hit && hit.version !== row.version) {
        // Changed (sent → seen, sending → stored): the old element goes, a new one takes its place.
        if (hit.el === cursor) cursor = cursor.nextSibling;
        hit.el.remove();
        hit = undefined;
      }
      if (!hit) {
        hit = { version: row.version, el: row.build() };
        cache.set(row.key, hit);
      }
      if (hit.el === cursor) cursor = cursor.nextSibling;
      else view.insertBefore(hit.el, cursor);
    }
    for (const [key, { el }] of cache) {
      if (!keep.has(key)) {
        el.remove();
        cache.delete(key);
      }
    }
    follow();
  };

  return {
    view,
    render,
    toBottom() {
      stuck = true;
      follow();
    },
  };
}
