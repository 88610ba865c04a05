import type { Conversation } from '@beckon/protocol/chat-api';
import { isAttachmentType, MAX_ATTACHMENTS_PER_MESSAGE } from '@beckon/protocol/chat-attachments';
import type { AttachmentService } from '../../conversations/attachments/attachment-service.ts';
import { sniffType } from '../../conversations/attachments/file-checks.ts';
import { EgressError } from '../../egress/egress-error.ts';
import type { Logger } from '../../logger.ts';
import type { ProviderHttp } from './provider-http.ts';

/** Where a file is to be fetched from, once its connector has asked the provider. */
export interface MediaLocation {
  url: string;
  /** Credentials the download needs (a bearer token, Twilio's basic auth). */
  headers?: Record<string, string>;
  /** The size the provider declared, when it did: a file over the limit is not fetched at all. */
  size?: number;
  name?: string;
}

/** One file of an inbound message, as its connector knows it. */
export interface MediaRef {
  /** What the agent reads when the file cannot be kept: `a photo`, `"invoice.pdf"`. */
  label: string;
  /** The file name to store, when the provider gave one. */
  name?: string;
  /** The declared size, when the webhook already says it (Telegram does). */
  size?: number;
  /** The declared type: a type chat cannot show (audio, video) is not downloaded at all. */
  contentType?: string;
  /** Asks the provider where the bytes are (WhatsApp and Telegram resolve an id first). */
  locate(): Promise<MediaLocation>;
}

/** What became of a message's files: the stored ones, and a line for each one not kept. */
export interface StoredMedia {
  attachmentIds: string[];
  notes: string[];
}

/** A file over the attachment limit: refused before or while it streams. */
class TooLarge extends Error {}

const megabytes = (n: number) => `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/**
 * The one download path for every connector's inbound media: the connector says where a file is,
 * and this fetches it (size checked from the headers and again while it streams), then stores it
 * as a customer's attachment of the conversation, exactly as a web chat upload is stored (same
 * storage, same type check by the file's own bytes, same size limit).
 *
 * A file that cannot be kept never costs the message: it is named in a note on the line instead
 * (too large, a type chat cannot show, or the provider did not hand it over).
 */
export class MediaDownloader {
  constructor(
    private readonly attachments: AttachmentService,
    private readonly http: ProviderHttp,
    private readonly log: Logger,
  ) {}

  /** The largest file kept, in bytes (`BECKON_ATTACHMENT_MAX_BYTES`). */
  get maxBytes(): number {
    return this.attachments.maxBytes;
  }

  /** Downloads and stores a message's files in its conversation; `provider` names where to look instead. */
  async store(
    accountId: string,
    conversation: Conversation,
    refs: readonly MediaRef[],
    provider: string,
  ): Promise<StoredMedia> {
    const out: StoredMedia = { attachmentIds: [], notes: [] };
    // One budget for all of a message's files: the provider waits for the webhook's answer.
    const deadline = Date.now() + this.http.timeoutMs;
    for (const { label: named, ...file } of refs) {
      // A note starts with the file's label: "[A photo was not kept…]".
      const ref = { ...file, label: named.charAt(0).toUpperCase() + named.slice(1) };
      if (out.attachmentIds.length >= MAX_ATTACHMENTS_PER_MESSAGE) {
        out.notes.push(
          `[${ref.label} was not kept: a message holds at most ${MAX_ATTACHMENTS_PER_MESSAGE} files; open ${provider} to see it.]`,
        );
        continue;
      }
      const unshown = `[${ref.label}: this kind of file cannot be shown here; open ${provider} to see it.]`;
      if (ref.contentType && !isAttachmentType(ref.contentType)) {
        out.notes.push(unshown);
        continue;
      }
      try {
        const { bytes, name } = await this.download(ref, deadline);
        // The bytes decide, as for every upload: a provider's label is only a hint.
        const type = sniffType(bytes);
        if (!type) {
          out.notes.push(unshown);
          continue;
        }
        const a = await this.attachments.upload(
          { accountId, conversation, side: 'visitor', userId: null, address: provider },
          type,
          name ?? ref.name ?? defaultName(ref.label, type),
          bytes,
        );
        out.attachmentIds.push(a.id);
      } catch (err) {
        if (err instanceof TooLarge) {
          out.notes.push(
            `[${ref.label} was not kept: the file is too large (${err.message}; the limit is ${megabytes(this.maxBytes)}).]`,
          );
        } else {
          const why = (err as Error).message;
          this.log.info(
            { conversation: conversation.id, file: ref.label, err: why },
            'inbound media not downloaded',
          );
          out.notes.push(
            `[${ref.label} could not be downloaded from ${provider} (${why}); open ${provider} to see it.]`,
          );
        }
      }
    }
    return out;
  }

  /** The file's bytes, refusing it as soon as any size (declared, announced or read) passes the limit. */
  private async download(ref: MediaRef, deadline: number): Promise<{ bytes: Buffer; name?: string }> {
    const max = this.maxBytes;
    if (ref.size !== undefined && ref.size > max) throw new TooLarge(megabytes(ref.size));
    const where = await ref.locate();
    if (where.size !== undefined && where.size > max) throw new TooLarge(megabytes(where.size));
    let res: Awaited<ReturnType<ProviderHttp['egress']['request']>>;
    try {
      res = await this.http.egress.request(where.url, {
        ...(where.headers ? { headers: where.headers } : {}),
        timeoutMs: Math.max(1, deadline - Date.now()),
        // A sender may lie in its headers (or send none): the limit holds for what actually arrives.
        maxBytes: max,
      });
    } catch (err) {
      if (!(err instanceof EgressError)) throw err;
      if (err.code === 'too_large')
        throw new TooLarge(err.size !== null ? megabytes(err.size) : `over ${megabytes(max)}`);
      if (err.code === 'timeout' || err.code === 'body_timeout') throw new Error('no answer in time');
      if (err.code === 'network') throw new Error('the download broke off');
      if (err.code === 'private_address') throw new Error('its address is refused');
      throw new Error('unreachable');
    }
    if (res.status < 200 || res.status >= 300) throw new Error(`the provider answered ${res.status}`);
    const total = res.body.length;
    if (total === 0) throw new Error('the file is empty');
    return { bytes: res.body, ...(where.name ? { name: where.name } : {}) };
  }
}

/** A name for a file its provider did not name: `photo.jpg`, `file.pdf`. */
function defaultName(label: string, type: string): string {
  const base = /photo|image/.test(label) ? 'photo' : 'file';
  const ext = type === 'application/pdf' ? 'pdf' : type.split('/')[1] === 'jpeg' ? 'jpg' : type.split('/')[1];
  return `${base}.${ext}`;
}
