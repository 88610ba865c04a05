import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.ts';

const SECRET_SETTING = 'chat.attachment_url_key';
const HOUR_MS = 3600_000;
/** How long a visitor's attachment URL works (at least; expiries are rounded up to the hour). */
export const VISITOR_URL_TTL_MS = 24 * HOUR_MS;

/**
 * Signed, expiring URLs for the visitor's side: an `<img src>` on the customer's page cannot send
 * the conversation token, so the URL itself carries a proof (HMAC over the attachment, its
 * conversation and the expiry, keyed by a secret every node reads from the store).
 */
export class AttachmentUrls {
  private constructor(
    private readonly key: Buffer,
    private readonly baseUrl: () => string,
  ) {}

  /** Loads the installation's signing secret, making it on first use. */
  static async load(store: Store, baseUrl: () => string): Promise<AttachmentUrls> {
    const hex = await store.settings.getOrInit(SECRET_SETTING, randomBytes(32).toString('hex'));
    return new AttachmentUrls(Buffer.from(hex, 'hex'), baseUrl);
  }

  private sign(attachmentId: string, conversationId: string, exp: number): string {
    return createHmac('sha256', this.key)
      .update(`${attachmentId}\n${conversationId}\n${exp}`)
      .digest('base64url');
  }

  /**
   * The visitor's URL of an attachment. Expiries are rounded to the hour, so the same file gets
   * the same URL for an hour (the browser's cache keeps working across reloads).
   */
  visitorUrl(conversationId: string, attachmentId: string, now = Date.now()): string {
    const exp = Math.ceil((now + VISITOR_URL_TTL_MS) / HOUR_MS) * (HOUR_MS / 1000);
    const sig = this.sign(attachmentId, conversationId, exp);
    return `${this.baseUrl()}/api/v1/chat/attachments/${attachmentId}?exp=${exp}&sig=${sig}`;
  }

  /** True when `sig` was made by this installation for this attachment and `exp` has not passed. */
  verify(attachmentId: string, conversationId: string, exp: number, sig: string, now = Date.now()): boolean {
    if (!Number.isInteger(exp) || exp * 1000 < now) return false;
    const want = Buffer.from(this.sign(attachmentId, conversationId, exp));
    const got = Buffer.from(sig);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}
