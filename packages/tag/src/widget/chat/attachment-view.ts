import type { Attachment } from '@beckon/protocol/chat-api';
import { h, icon } from '../dom.ts';
import { trapTab } from '../focus.ts';
import { t } from '../i18n/i18n.ts';
import { formatSize, isImage } from './attachment-rules.ts';

/** Where an attachment can be fetched: its `url` on the Beckon origin, http(s) only, or null. */
export function attachmentUrl(a: Attachment, origin: string): string | null {
  if (typeof a.url !== 'string' || !a.url) return null;
  try {
    const parsed = new URL(a.url, origin);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

const kind = (a: Attachment) => (a.contentType === 'application/pdf' ? t('PDF') : t('File'));

/**
 * A message's attachments: pictures as thumbnails that open full size (`open`), other files
 * (PDFs) as a chip that opens or downloads them in a new tab.
 */
export function attachmentsView(
  list: Attachment[],
  origin: string,
  open: (src: string, name: string, from: HTMLElement) => void,
): HTMLElement | null {
  if (list.length === 0) return null;
  const box = h('div', { class: 'files' });
  for (const a of list) {
    const url = attachmentUrl(a, origin);
    if (url && isImage(a.contentType)) {
      const img = h('img', { src: url, alt: a.name, loading: 'lazy', decoding: 'async' });
      const thumb: HTMLButtonElement = h(
        'button',
        {
          class: 'thumb',
          type: 'button',
          'aria-label': t('Open image {name} full size', { name: a.name }),
          onclick: () => open(url, a.name, thumb),
        },
        img,
      );
      box.append(thumb);
    } else {
      const body = [
        icon('file', 20),
        h('span', { class: 'fname' }, a.name),
        h('span', { class: 'fsize' }, `${kind(a)} · ${formatSize(a.size)}`),
      ];
      box.append(
        url
          ? h('a', { class: 'chip', href: url, target: '_blank', rel: 'noopener noreferrer' }, ...body)
          : h('span', { class: 'chip' }, ...body),
      );
    }
  }
  return box;
}

/**
 * A picture at full size over the page (Escape, the close button or a click outside closes it,
 * and focus goes back to the thumbnail). Returns the element to mount.
 */
export function lightboxView(src: string, name: string, close: () => void): HTMLElement {
  const closeButton = h(
    'button',
    { class: 'x', type: 'button', 'aria-label': t('Close image'), onclick: close },
    icon('close', 20),
  );
  const box: HTMLElement = h(
    'div',
    {
      class: 'lightbox',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-label': name,
      onclick: (e) => {
        if (e.target === box) close();
      },
      onkeydown: (e) => {
        const key = e as KeyboardEvent;
        if (key.key === 'Escape') {
          key.stopPropagation();
          close();
        } else trapTab(box, key);
      },
    },
    h('img', { src, alt: name }),
    h(
      'div',
      { class: 'lb-bar' },
      h('span', { class: 'fname' }, name),
      h('a', { href: src, target: '_blank', rel: 'noopener noreferrer' }, t('Open original')),
      closeButton,
    ),
  );
  queueMicrotask(() => closeButton.focus());
  return box;
}
