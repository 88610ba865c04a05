/** What the protocol accepts as an id (visitor, session, batch, exposure). */
export const ID_PATTERN = /^[\w-]{1,64}$/;

/** A random id of `bytes` random bytes in hex (16 bytes = 128 bits) for visitors, sessions and batches. */
export function randomId(bytes = 16): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    (b + 256).toString(16).slice(1),
  ).join('');
}
