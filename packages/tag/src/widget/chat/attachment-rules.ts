import { DEFAULT_ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS_PER_MESSAGE } from '@beckon/protocol/chat-limits';
import { locale, t } from '../i18n/i18n.ts';

/** What the visitor may attach: the server's limits (it enforces them; this only answers sooner). */
export const MAX_ATTACHMENT_BYTES = DEFAULT_ATTACHMENT_MAX_BYTES;
/** Files one message may carry. */
export const MAX_ATTACHMENTS = MAX_ATTACHMENTS_PER_MESSAGE;

const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
};
const ALLOWED = new Set(Object.values(TYPES));

/** The file picker's `accept` list. */
export const ACCEPT = [...ALLOWED].join(',');

/** "240 kB", "3.4 MB", "3,4 Mo" (under 1 kB reads "1 kB"): written the way the widget's locale writes sizes. */
export function formatSize(bytes: number): string {
  const mb = bytes >= 1048576;
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: mb ? 'megabyte' : 'kilobyte',
    maximumFractionDigits: mb ? 1 : 0,
  } as Intl.NumberFormatOptions).format(mb ? bytes / 1048576 : Math.max(1, bytes / 1024));
}

/** The content type a file will be sent as: its own, or guessed from the name when the browser gave none. */
export function fileType(file: { name: string; type: string }): string {
  if (file.type) return file.type.toLowerCase();
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  return (ext && TYPES[ext]) || '';
}

/** Why a file cannot be sent, in a sentence, or null when it can. */
export function fileProblem(file: { name: string; type: string; size: number }): string | null {
  const name = file.name || t('This file');
  if (!ALLOWED.has(fileType(file)))
    return t('{name} can’t be sent: only images (PNG, JPEG, GIF, WebP) and PDFs.', { name });
  if (file.size > MAX_ATTACHMENT_BYTES)
    return t('{name} is too large: files can be up to {size}.', {
      name,
      size: formatSize(MAX_ATTACHMENT_BYTES),
    });
  if (file.size === 0) return t('{name} is empty.', { name });
  return null;
}

/** True for attachments shown as a picture (everything else is a file chip). */
export const isImage = (contentType: string): boolean => /^image\/(png|jpeg|gif|webp)$/i.test(contentType);
