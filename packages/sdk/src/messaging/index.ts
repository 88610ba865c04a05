export {
  AppTracker,
  type AppTrackerEvents,
  type AppTrackerOptions,
  type CartItem,
} from './app-tracker.ts';
export {
  type ConnectionState,
  type FetchLike,
  type IdentifyInput,
  MessagingClient,
  type MessagingClientOptions,
  type MessagingEvents,
  type PushTokenInput,
  type UploadBody,
  type UploadInput,
} from './messaging-client.ts';
export { globalSocketFactory, type SocketFactory, type SocketLike } from './socket.ts';
export { localStorageAdapter, memoryStorage, type StorageAdapter } from './storage.ts';
export {
  type AppEngagement,
  type MessagingAttachment,
  type MessagingConversation,
  MessagingError,
  type MessagingMessage,
  type MessagingSession,
} from './wire.ts';
