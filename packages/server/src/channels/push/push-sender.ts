import { EgressError } from '../../egress/egress-error.ts';
/**
 * The push seam: one interface for every way a reply reaches an app user who has no socket open
 * (FCM, APNs, the site's own webhook). A sender delivers one notification to a user's devices and
 * says which device tokens the provider called dead, so they are dropped. A failure of the
 * credentials or the provider comes back as a `PushError` for the site's push settings to show;
 * it never costs the message, which is stored and delivered in the app already.
 */

/** A device's push address, as the app registered it. */
export interface DeviceToken {
  platform: 'fcm' | 'apns';
  token: string;
}

/** What a notification says and where it leads back to. */
export interface PushNotification {
  /** Shown as the notification's title: the agent's name or the site's. */
  title: string;
  /** The reply's text, cut to what a notification shows. */
  body: string;
  siteId: string;
  conversationId: string;
  seq: number;
  /** The app's own user id (the verified `userId`), so the app can tell whose notification it is. */
  userId: string | null;
  /** A campaign's push: its exposure, which the app reports accepted when the notification is opened. */
  exposureId?: string;
  campaignId?: string;
}

/**
 * The line's own collapse id (`apns-collapse-id`, FCM's Android notification `tag`): a copy sent
 * again (a node died after the provider took it) replaces the first on the device instead of
 * showing twice. Neither provider keeps an idempotency key; APNs takes at most 64 bytes.
 */
export function collapseIdOf(n: PushNotification): string | undefined {
  const id = `${n.conversationId}:${n.seq}`;
  return Buffer.byteLength(id) <= 64 ? id : undefined;
}

/** A campaign push's exposure and campaign ids, for a notification's data (empty for a reply). */
export function campaignData(n: PushNotification): { exposureId?: string; campaignId?: string } {
  return n.exposureId && n.campaignId ? { exposureId: n.exposureId, campaignId: n.campaignId } : {};
}

/** What one send did. */
export interface PushReport {
  /** Devices the provider accepted the notification for. */
  delivered: number;
  /** Tokens the provider called unregistered or invalid: drop them. */
  deadTokens: string[];
  /** Why some devices got nothing (the first such failure, see `worseFailure`), or null. */
  error: PushError | null;
}

/** Credentials refused, a provider down, a webhook answering an error: the whole send failed. */
export class PushError extends Error {
  constructor(
    /** A short code for the console: `fcm_auth_failed`, `apns_http_503`, … */
    readonly code: string,
    message: string,
    /** Worth trying again later (the provider was busy or down), as opposed to wrong settings. */
    readonly retryable: boolean,
    /** The provider may have taken it: the connection broke after the request was sent. */
    readonly mayHaveArrived = false,
  ) {
    super(message);
    this.name = 'PushError';
  }
}

export interface PushSender {
  readonly kind: 'fcm' | 'apns' | 'webhook';
  send(devices: DeviceToken[], notification: PushNotification): Promise<PushReport>;
  /** Lets go of connections and cached tokens. */
  close(): void;
}

/** Any failure as a PushError: a network error is worth retrying. */
export function asPushError(err: unknown): PushError {
  if (err instanceof PushError) return err;
  // A configured address the egress refuses stays refused: trying again would not help.
  if (err instanceof EgressError && err.code === 'private_address')
    return new PushError(
      'push_private_address',
      `the push service's address is refused: ${err.message}`,
      false,
    );
  const message = err instanceof Error ? err.message : String(err);
  return new PushError(
    'push_unreachable',
    `the push service is unreachable: ${message}`,
    true,
    err instanceof EgressError && err.requestSent,
  );
}

/**
 * The failure a send reports when it had several: the first, unless a later one may have reached
 * the provider and the first did not. A message one device may have had is in doubt, never sent
 * again to all its devices.
 */
export function worseFailure(first: PushError | null, next: PushError): PushError {
  return first && (first.mayHaveArrived || !next.mayHaveArrived) ? first : next;
}

/** Cuts a text to a notification's length, on a character boundary. */
export function notificationText(text: string, max = 180): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
