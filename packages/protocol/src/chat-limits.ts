/**
 * Limits both sides of a conversation share, with no schema library attached, so the widget and the
 * console bundle them without TypeBox. The server enforces them; clients only answer sooner.
 */

/** File types a conversation accepts; anything else is refused with 415. */
export const ATTACHMENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
/** Default largest file, in bytes (a server may set another with `BECKON_ATTACHMENT_MAX_BYTES`). */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Most attachments on one message. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 5;
/** The header carrying the file's name (percent-encode anything outside ASCII). */
export const FILE_NAME_HEADER = 'x-file-name';
/** Longest stored file name, in characters. */
export const MAX_FILE_NAME_LENGTH = 200;

/** A canned response's shortcut: lower-case letters, digits, `_` and `-`, starting with a letter or digit, at most 32. */
export const SHORTCUT_PATTERN = '^[a-z0-9][a-z0-9_-]{0,31}$';
export const MAX_CANNED_TITLE_LENGTH = 80;
export const MAX_CANNED_TEXT_LENGTH = 4000;
