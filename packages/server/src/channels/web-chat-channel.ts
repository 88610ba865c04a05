import { MAX_MESSAGE_LENGTH } from '@beckon/protocol/chat-api';
import { ATTACHMENT_TYPES } from '@beckon/protocol/chat-attachments';
import type { Channel, ChannelCapabilities, SendResult } from './channel.ts';

/**
 * Web chat as a channel. Its lines reach the visitor over the chat socket as soon as they are
 * committed (the message writer publishes them), so they never enter the outbox; `send` only
 * confirms, for a line that reached it some other way.
 */
export class WebChatChannel implements Channel {
  readonly kind = 'web' as const;
  readonly capabilities: ChannelCapabilities;

  constructor(attachmentMaxBytes: number) {
    this.capabilities = {
      typing: true,
      readReceipts: true,
      attachments: { maxBytes: attachmentMaxBytes, types: ATTACHMENT_TYPES },
      richContent: false,
      templates: false,
      maxLength: MAX_MESSAGE_LENGTH,
    };
  }

  async send(): Promise<SendResult> {
    // Delivery is the socket: the line was published to the visitor's conversation on commit.
    return { status: 'delivered' };
  }
}
