import WebSocket from 'ws';
import { MessagingClient, type MessagingClientOptions } from './messaging-client.ts';
import type { SocketFactory, SocketLike } from './socket.ts';

/** Sockets for Node through the `ws` package (Node 20 has no global WebSocket without a flag). */
export const nodeSocketFactory: SocketFactory = (url) =>
  new WebSocket(url, { perMessageDeflate: false }) as unknown as SocketLike;

/** A client whose sockets go through `ws`; every other option as for `MessagingClient`. */
export function createNodeMessagingClient(
  options: Omit<MessagingClientOptions, 'socketFactory'>,
): MessagingClient {
  return new MessagingClient({ ...options, socketFactory: nodeSocketFactory });
}

export * from './index.ts';
