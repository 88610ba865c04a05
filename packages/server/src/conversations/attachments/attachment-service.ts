import type { Readable } from 'node:stream';
import type { Attachment, Conversation, Message, VisitorMessage } from '@beckon/protocol/chat-api';
import { isAttachmentType, normaliseContentType } from '@beckon/protocol/chat-attachments';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Logger } from '../../logger.ts';
import type { Metrics } from '../../ops/metrics.ts';
import {
  type AttachmentRow,
  type AttachmentSide,
  type StoredAttachment,
  withAgentUrl,
} from '../../store/attachments-repo.ts';
import type { Store } from '../../store/store.ts';
import { type ChatLimits, KeyedLimiter } from '../chat-limits.ts';
import { type AttachmentStorage, attachmentKey } from './attachment-storage.ts';
import type { AttachmentUrls } from './attachment-urls.ts';
import { cleanFileName, matchesClaim } from './file-checks.ts';

/** Who uploads, into which conversation, from where. */
export interface Uploader {
  accountId: string;
  conversation: Conversation;
  side: AttachmentSide;
  /** The agent's user id; null for the visitor. */
  userId: string | null;
  address: string;
}

/** A stored file opened for reading. */
export interface OpenedAttachment {
  row: AttachmentRow;
  body: Readable;
}

/** How long an upload may wait to be sent before the sweep removes it. */
export const UNSENT_TTL_MS = 24 * 3600_000;

const unsupported = (message: string) => new AppError(415, 'unsupported_type', message);

/**
 * Conversation attachments: admits an upload before its bytes are read (open conversation, rate,
 * declared type, size), checks the bytes are what they claim, stores them and their metadata, and
 * opens them again only for the conversation's participants.
 */
export class AttachmentService {
  private readonly perConversation: KeyedLimiter;
  private readonly perAddress: KeyedLimiter;

  constructor(
    private readonly store: Store,
    private readonly storage: AttachmentStorage,
    readonly urls: AttachmentUrls,
    private readonly limits: ChatLimits,
    readonly maxBytes: number,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.perConversation = new KeyedLimiter(limits.uploadsPerConversation);
    this.perAddress = new KeyedLimiter(limits.uploadsPerAddress);
  }

  /** Checks what can be checked before reading the body: 409 closed, 415 type, 413 size, 429 rate. */
  async admit(
    u: Uploader,
    contentType: string | undefined,
    contentLength: number | undefined,
  ): Promise<void> {
    if (u.conversation.status === 'closed')
      throw new AppError(409, 'conversation_closed', 'the conversation is closed');
    if (!isAttachmentType(contentType))
      throw unsupported('only PNG, JPEG, GIF and WebP images and PDF documents can be attached');
    if (contentLength !== undefined && contentLength > this.maxBytes) throw this.tooLarge();
    const limited = !this.perConversation.take(`${u.conversation.id}:${u.side}`)
      ? 'conversation'
      : !this.perAddress.take(u.address)
        ? 'address'
        : undefined;
    if (limited) {
      this.metrics.chatRateLimited.inc({ action: 'upload', scope: limited });
      throw new AppError(429, 'rate_limited', 'too many uploads; wait a moment');
    }
    const count = await this.store.attachments.countFor(u.conversation.id, u.side);
    if (count >= this.limits.maxUploadsPerConversation)
      throw new AppError(409, 'too_many_attachments', 'this conversation has reached its attachment limit');
  }

  tooLarge(): AppError {
    return new AppError(413, 'body_too_large', `attachments are limited to ${this.maxBytes} bytes`);
  }

  /** Stores an admitted upload; answers its descriptor with the URL for the uploader's side. */
  async upload(u: Uploader, contentType: string | undefined, rawName: string | undefined, bytes: Buffer) {
    if (bytes.length === 0) throw new AppError(400, 'empty_file', 'the file is empty');
    if (bytes.length > this.maxBytes) throw this.tooLarge();
    if (!matchesClaim(bytes, contentType))
      throw unsupported('the file’s contents do not match its content type');
    const id = newId('att');
    const key = attachmentKey(u.accountId, id);
    await this.storage.put(key, bytes);
    let stored: StoredAttachment;
    try {
      stored = await this.store.attachments.create({
        id,
        account_id: u.accountId,
        conversation_id: u.conversation.id,
        side: u.side,
        uploaded_by: u.userId,
        name: cleanFileName(rawName),
        content_type: normaliseContentType(contentType),
        size: bytes.length,
        storage_key: key,
        message_seq: null,
        created_at: Date.now(),
      });
    } catch (err) {
      await this.storage.remove(key).catch(() => {});
      throw err;
    }
    return this.forSide(u.side, u.conversation.id, stored);
  }

  /** A descriptor with the URL the given side fetches it at. */
  forSide(side: AttachmentSide, conversationId: string, a: StoredAttachment): Attachment {
    if (side === 'agent') return withAgentUrl(conversationId, a);
    const url = this.urls.visitorUrl(conversationId, a.id);
    return { id: a.id, name: a.name, contentType: a.contentType, size: a.size, url };
  }

  /** A message as the visitor receives it, with signed URLs for its files. */
  visitorMessage(m: Message): VisitorMessage {
    const v: VisitorMessage = {
      conversationId: m.conversationId,
      seq: m.seq,
      senderKind: m.senderKind as VisitorMessage['senderKind'],
      senderName: m.senderName,
      echoId: m.senderKind === 'visitor' ? m.echoId : null,
      text: m.text,
      attachments: m.attachments.map((a) => this.forSide('visitor', m.conversationId, a)),
      createdAt: m.createdAt,
    };
    if (m.rich) v.rich = m.rich;
    return v;
  }

  /**
   * A file for an agent who may see the conversation: anything sent in it, and the agents' own
   * uploads not sent yet (never a visitor's unsent upload).
   */
  async openForAgent(conversationId: string, attachmentId: string): Promise<OpenedAttachment | undefined> {
    const row = await this.store.attachments.find(conversationId, attachmentId);
    if (!row || (row.side === 'visitor' && row.message_seq === null)) return undefined;
    return this.open(row);
  }

  /**
   * A file for the holder of a signed visitor URL: valid and unexpired signature, and the file is
   * the visitor's own or went out in a message the visitor sees (never an internal note's).
   */
  async openForVisitor(
    attachmentId: string,
    exp: number,
    sig: string,
  ): Promise<OpenedAttachment | undefined> {
    const row = await this.store.attachments.byId(attachmentId);
    if (!row || !this.urls.verify(row.id, row.conversation_id, exp, sig)) return undefined;
    if (row.side === 'agent') {
      const sender = await this.store.attachments.sentBy(row);
      if (sender !== 'agent') return undefined;
    }
    return this.open(row);
  }

  /** Removes uploads nobody sent within `maxAgeMs` (rows first, then bytes); returns how many. */
  async sweepUnsent(maxAgeMs = UNSENT_TTL_MS, now = Date.now()): Promise<number> {
    let removed = 0;
    for (;;) {
      const keys = await this.store.attachments.deleteUnsent(now - maxAgeMs);
      for (const key of keys)
        await this.storage.remove(key).catch((err) => this.log.warn({ err, key }, 'file not removed'));
      removed += keys.length;
      if (keys.length < 500) return removed;
    }
  }

  private async open(row: AttachmentRow): Promise<OpenedAttachment | undefined> {
    const body = await this.storage.open(row.storage_key);
    if (!body) {
      this.log.warn({ attachmentId: row.id }, 'attachment bytes missing from storage');
      return undefined;
    }
    return { row, body };
  }
}
