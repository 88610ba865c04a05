import type { ChatTransport } from './chat-pairs.ts';
import { type AppChatSpec, appTransport } from './chat-transport-app.ts';
import { type BeckonChatSpec, beckonTransport } from './chat-transport-beckon.ts';
import { rawWsTransport } from './chat-transport-raw-ws.ts';
import { socketIoTransport } from './chat-transport-socketio.ts';

/** Which server the W3 generator talks to, as plain data (it crosses into client processes). */
export type ChatTransportSpec =
  | { kind: 'raw_ws'; urls: string[] }
  | { kind: 'socketio'; urls: string[] }
  | ({ kind: 'beckon' } & BeckonChatSpec)
  | ({ kind: 'beckon_app' } & AppChatSpec);

/** The transport for a spec. */
export function transportFor(spec: ChatTransportSpec): ChatTransport {
  switch (spec.kind) {
    case 'raw_ws':
      return rawWsTransport(spec.urls);
    case 'socketio':
      return socketIoTransport(spec.urls);
    case 'beckon':
      return beckonTransport(spec);
    case 'beckon_app':
      return appTransport(spec);
  }
}
