/**
 * Wire limits the tag must respect so the gateway never rejects a batch. They mirror
 * `@beckon/protocol` (a unit test keeps them equal); the tag copies them instead of importing,
 * because the protocol module pulls in TypeBox, which must never reach the 3 KB loader.
 */
export const MAX_BATCH_EVENTS = 50;
export const MAX_SECTIONS = 16;
export const MAX_NAME_LENGTH = 64;
export const MAX_PROPS = 32;
export const MAX_ID_LENGTH = 64;
export const MAX_STRING_LENGTH = 256;
export const MAX_TEXT_LENGTH = 2000;
export const MAX_URL_LENGTH = 2048;
export const MAX_FRAME_BYTES = 64 * 1024;

/** Close codes the gateway uses (4000 + HTTP status, and the standard 1009 for a frame too large). */
export const CLOSE_TOO_LARGE = 1009;
export const CLOSE_BAD_FRAME = 4400;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_TIMEOUT = 4408;
export const CLOSE_RATE_LIMITED = 4429;

/** Engagement attribute types, in the protocol's order. */
export const ATTR_TYPES = [
  'cart',
  'purchase',
  'product_view',
  'customer',
  'marketing',
  'lead',
  'service',
  'error',
  'search',
  'personal',
] as const;
