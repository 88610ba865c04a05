/** Files in conversations: an agent uploads the bytes first, then sends the returned id with a message. */
import type { Attachment } from '@beckon/protocol/chat-api';
import { uploadBytes } from './http.ts';

/** What a conversation accepts (the server checks the bytes again); a server configured with another size limit answers 413 with its own. */
export {
  ATTACHMENT_TYPES,
  DEFAULT_ATTACHMENT_MAX_BYTES as ATTACHMENT_MAX_BYTES,
  MAX_ATTACHMENTS_PER_MESSAGE,
} from '@beckon/protocol/chat-limits';

export function uploadAttachment(conversationId: string, file: File): Promise<Attachment> {
  return uploadBytes<{ attachment: Attachment }>(
    `/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments`,
    file,
    { 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) },
  ).then((r) => r.attachment);
}
