import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.ts';

const KEY_SETTING = 'email.thread_key';
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const REPLY = /^reply\+([0-9a-z]{20})$/;

/** Lower-case base32 of the first bytes of a digest: mail servers may change the case of a local part. */
function base32(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! & 31];
  return out;
}

/**
 * Names of a thread that only this installation can make: the reply token in `reply+<token>@domain`
 * (an HMAC of the conversation, so nobody can guess another thread's address) and the Message-ID of
 * each line sent (an HMAC of its idempotency key, so a retried send carries the same id and the
 * customer's mail client shows it once). The key is shared by every node through the store.
 */
export class ThreadNames {
  private constructor(
    private readonly key: Buffer,
    readonly domain: string,
  ) {}

  static async load(store: Store, domain: string): Promise<ThreadNames> {
    const hex = await store.settings.getOrInit(KEY_SETTING, randomBytes(32).toString('hex'));
    return new ThreadNames(Buffer.from(hex, 'hex'), domain);
  }

  private mac(...parts: string[]): Buffer {
    return createHmac('sha256', this.key).update(parts.join('\n')).digest();
  }

  /** The reply token of a conversation (20 characters, 100 bits). */
  token(accountId: string, conversationId: string): string {
    return base32(this.mac('reply', accountId, conversationId), 20);
  }

  /** The address replies to a conversation go to. */
  replyAddress(token: string): string {
    return `reply+${token}@${this.domain}`;
  }

  /** The Message-ID of a mail sent for `key` (an outbound line's idempotency key, a transcript's id). */
  messageId(accountId: string, key: string): string {
    return `<${base32(this.mac('message', accountId, key), 26)}@${this.domain}>`;
  }

  /** The token of a contact's unsubscribe link (only this installation can make one). */
  unsubscribeToken(accountId: string, contactId: string): string {
    return base32(this.mac('unsubscribe', accountId, contactId), 26);
  }

  /** Whether `token` is the unsubscribe token of this contact (constant time). */
  checkUnsubscribe(accountId: string, contactId: string, token: string): boolean {
    const want = Buffer.from(this.unsubscribeToken(accountId, contactId));
    const got = Buffer.from(token);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  /** The token of a conversation's one-click rating links (only this installation can make one). */
  ratingToken(accountId: string, conversationId: string): string {
    return base32(this.mac('rating', accountId, conversationId), 26);
  }

  /** Whether `token` is the rating token of this conversation (constant time). */
  checkRating(accountId: string, conversationId: string, token: string): boolean {
    const want = Buffer.from(this.ratingToken(accountId, conversationId));
    const got = Buffer.from(token);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  /** The token of a `reply+<token>` local part, if it is one. */
  static tokenOf(address: string): string | undefined {
    const local = address.slice(0, address.lastIndexOf('@')).toLowerCase();
    return REPLY.exec(local)?.[1];
  }
}
