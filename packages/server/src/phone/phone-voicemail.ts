import { type AttachmentStorage, attachmentKey } from '../conversations/attachments/attachment-storage.ts';
import type { MessageWriter } from '../conversations/message-writer.ts';
import { newId } from '../ids.ts';
import type { Store } from '../store/store.ts';
import { spoken } from '../voice/call-view.ts';
import type { Voicemail } from './phone-lines.ts';

export const VOICEMAIL_TYPE = 'audio/wav';

/**
 * Keeps a caller's voicemail: the hub's WAV becomes an attachment of the conversation, in a
 * message from the caller ("Voicemail (12 s)."), so agents play it in the thread. The calls
 * report counts it (`phone_voicemails`).
 */
export function voicemailKeeper(store: Store, storage: AttachmentStorage, writer: MessageWriter) {
  return async (v: Voicemail): Promise<void> => {
    const id = newId('att');
    const key = attachmentKey(v.accountId, id);
    await storage.put(key, v.wav);
    const at = new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-');
    await store.attachments.create({
      id,
      account_id: v.accountId,
      conversation_id: v.conversationId,
      side: 'visitor',
      uploaded_by: null,
      name: `voicemail-${at}.wav`,
      content_type: VOICEMAIL_TYPE,
      size: v.wav.length,
      storage_key: key,
      message_seq: null,
      created_at: Date.now(),
    });
    const sent = await writer.append({
      accountId: v.accountId,
      conversationId: v.conversationId,
      sender: { kind: 'visitor' },
      echoId: `voicemail:${id}`,
      text: `Voicemail (${spoken(v.ms)}).`,
      attachmentIds: [id],
    });
    if (!sent.ok) throw sent.error;
    await store.phone.addVoicemail(v.accountId, v);
  };
}
