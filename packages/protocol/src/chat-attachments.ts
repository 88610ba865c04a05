import Type, { type Static } from 'typebox';
import { ATTACHMENT_TYPES, type AttachmentType, MAX_ATTACHMENTS_PER_MESSAGE } from './chat-limits.ts';

/**
 * Files in a conversation (images and PDF). A client uploads the raw bytes first (with their
 * `Content-Type` and the file name in `x-file-name`), then sends a message naming the upload in
 * `attachmentIds`. The server checks the type by the file's own bytes, never by the client's claim.
 */

export {
  ATTACHMENT_TYPES,
  type AttachmentType,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  FILE_NAME_HEADER,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_FILE_NAME_LENGTH,
} from './chat-limits.ts';

export const AttachmentId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/** Attachment ids on a send: uploads of the same conversation by the same side, not sent before. */
export const AttachmentIds = Type.Array(AttachmentId, { maxItems: MAX_ATTACHMENTS_PER_MESSAGE });

/**
 * A file on a message. `url` fetches it: on the agent side a path on the API that needs the
 * console session (or API key); on the visitor side an absolute, signed and expiring URL that
 * works as an `<img src>` or a link on the host page without any header.
 */
export const Attachment = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  url: Type.String(),
});
export type Attachment = Static<typeof Attachment>;

/** The answer to an upload (201). */
export const AttachmentUploaded = Type.Object({ attachment: Attachment });
export type AttachmentUploaded = Static<typeof AttachmentUploaded>;

/** The agent-side path of an attachment (resolve it against the server's base URL). */
export const agentAttachmentPath = (conversationId: string, attachmentId: string): string =>
  `/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(attachmentId)}`;

/** True for a content type a conversation accepts (parameters and case ignored). */
export function isAttachmentType(contentType: string | undefined): contentType is AttachmentType {
  return (ATTACHMENT_TYPES as readonly string[]).includes(normaliseContentType(contentType));
}

/** `Image/JPEG; charset=x` → `image/jpeg`; `image/jpg` (a common mistake) → `image/jpeg`. */
export function normaliseContentType(contentType: string | undefined): string {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return t === 'image/jpg' || t === 'image/pjpeg' ? 'image/jpeg' : t;
}
