import WebSocket from 'ws';
import { AppTracker, type AppTrackerOptions } from './app-tracker.ts';
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

/** An app tracker whose socket goes through `ws`; every other option as for `AppTracker`. */
export function createNodeAppTracker(options: Omit<AppTrackerOptions, 'socketFactory'>): AppTracker {
  return new AppTracker({ ...options, socketFactory: nodeSocketFactory });
}

export * from './index.ts';
