/**
 * The little of a WebSocket the client uses: the WHATWG shape that browsers, React Native and
 * the `ws` package all have. The client never imports a socket library itself.
 */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Opens a socket to a `ws:`/`wss:` URL. */
export type SocketFactory = (url: string) => SocketLike;

export const SOCKET_OPEN = 1;

/** `globalThis.WebSocket` (browsers, React Native, Node with a global WebSocket), or null. */
export function globalSocketFactory(): SocketFactory | null {
  const WS = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  return WS ? (url) => new WS(url) : null;
}
