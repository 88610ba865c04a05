import * as call from '@beckon/protocol/call-protocol';
import * as chat from '@beckon/protocol/chat-protocol';
import * as visitor from '@beckon/protocol/visitor-protocol';
import type { TSchema } from 'typebox';

/**
 * The AsyncAPI 3.0 document of the three sockets, generated from the protocol's TypeBox frame
 * schemas, so it cannot drift from what the server validates. The document describes the server:
 * `receive` operations are the frames clients send, `send` operations the frames the server sends.
 */

type Json = Record<string, unknown>;

/** Every frame schema a protocol module exports, by its export name (the message's key). */
function namesOf(module: Record<string, unknown>): Map<unknown, string> {
  const names = new Map<unknown, string>();
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === 'object' && value !== null && !names.has(value))
      names.set(value, name.replace(/Schema$/, ''));
  }
  return names;
}

const frameNames = new Map([...namesOf(visitor), ...namesOf(chat), ...namesOf(call)]);

const frameType = (schema: TSchema): string =>
  (schema as unknown as { properties: { type: { const: string } } }).properties.type.const;

const membersOf = (union: TSchema): TSchema[] => (union as unknown as { anyOf: TSchema[] }).anyOf;

/** Close codes of every socket, each after an `error` frame saying why (1009 may come without one). */
const CLOSE_CODES: Record<number, string> = {
  [chat.CloseCode.TooLarge]: "A frame over the socket's limit; what was sent before it must not be resent.",
  [chat.CloseCode.BadFrame]: 'A frame that cannot be read; do not resend it.',
  [chat.CloseCode.Unauthorized]: 'No or invalid token or session.',
  [chat.CloseCode.Forbidden]:
    "Not allowed: an unknown site key, an origin outside the allow-list, someone else's conversation. Stop for good.",
  [chat.CloseCode.Timeout]:
    "Not authenticated in time, or no answer to the server's pings. Reconnect normally.",
  [chat.CloseCode.RateLimited]: 'Frames kept coming after rate_limited errors. Back off, then reconnect.',
};

interface SocketSpec {
  key: string;
  address: string;
  title: string;
  description: string;
  client: TSchema;
  server: TSchema;
  security?: Json[];
  query?: Json;
}

const SOCKETS: SocketSpec[] = [
  {
    key: 'visitor',
    address: '/v1/visitor',
    title: 'Visitor tag and app tracking',
    description:
      'The tag (and an app through the SDK) streams behaviour in batches and receives engagements. Open it with `?siteKey=KEY`; the first frame is `hello` (an app adds `app` with its platform and version, and reports `screen` and `app_state` events). Each batch is acknowledged by its id; a batch id seen before is acknowledged and not applied again. Engagements arrive as `engage` frames; their outcomes go back as `exposure_outcome` events.',
    client: visitor.ClientFrameSchema,
    server: visitor.ServerFrameSchema,
    security: [{ $ref: '#/components/securitySchemes/siteKey' }],
    query: {
      type: 'object',
      required: ['siteKey'],
      properties: { siteKey: { type: 'string', description: "The site's public key." } },
    },
  },
  {
    key: 'chat',
    address: '/v1/chat',
    title: 'Customer chat',
    description:
      'A visitor or an app user in one conversation. The first frame is `start` (a new web chat, with the site key) or `hello` with a conversation token (from `start`, or from `POST /api/v1/messaging/session` for apps), with `afterSeq` to receive what came after it. Sends are acknowledged after they are stored; a retry with the same `echoId` is stored once.',
    client: chat.VisitorClientFrame,
    server: chat.VisitorServerFrame,
  },
  {
    key: 'agent',
    address: '/v1/agent',
    title: 'Agent console',
    description:
      "A console user's socket, authenticated by the session cookie. The server sends `ready` first; requests that carry a `ref` are answered by `done` or `error` with it.",
    client: chat.AgentClientFrame,
    server: chat.AgentServerFrame,
    security: [{ $ref: '#/components/securitySchemes/session' }],
  },
];

const closeCodesText = () =>
  Object.entries(CLOSE_CODES)
    .map(([code, why]) => `- ${code}: ${why}`)
    .join('\n');

/** The document for a node reachable at `publicUrl`. */
export function asyncApiDocument(publicUrl: string): Json {
  const url = new URL(publicUrl);
  const messages: Json = {};
  const channels: Json = {};
  const operations: Json = {};

  for (const socket of SOCKETS) {
    const channelMessages: Json = {};
    const refs = { receive: [] as Json[], send: [] as Json[] };
    const add = (schema: TSchema, direction: 'receive' | 'send') => {
      const name = frameNames.get(schema);
      if (!name) throw new Error(`frame schema of ${socket.address} has no export name`);
      const type = frameType(schema);
      messages[name] ??= {
        name: type,
        title: `${type} frame`,
        contentType: 'application/json',
        payload: JSON.parse(JSON.stringify(schema)) as Json,
      };
      // The same `type` runs both ways on some sockets (`typing`, `read`): keys name the direction.
      const key = `${direction === 'receive' ? 'client' : 'server'}.${type}`;
      channelMessages[key] = { $ref: `#/components/messages/${name}` };
      refs[direction].push({ $ref: `#/channels/${socket.key}/messages/${key}` });
    };
    for (const schema of membersOf(socket.client)) add(schema, 'receive');
    for (const schema of membersOf(socket.server)) add(schema, 'send');

    channels[socket.key] = {
      address: socket.address,
      title: socket.title,
      description: `${socket.description}\n\nClose codes:\n${closeCodesText()}`,
      messages: channelMessages,
      ...(socket.query ? { bindings: { ws: { query: socket.query, bindingVersion: '0.1.0' } } } : {}),
    };
    for (const action of ['receive', 'send'] as const) {
      operations[`${socket.key}${action === 'receive' ? 'FromClient' : 'ToClient'}`] = {
        action,
        title: action === 'receive' ? 'Frames the client sends' : 'Frames the server sends',
        channel: { $ref: `#/channels/${socket.key}` },
        messages: refs[action],
        ...(socket.security ? { security: socket.security } : {}),
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Beckon sockets',
      version: '1',
      description:
        'The WebSocket protocols of Beckon: JSON text frames, each an object discriminated by `type`. The REST API is in `/api/openapi.json`.',
      'x-close-codes': CLOSE_CODES,
    },
    servers: {
      beckon: {
        host: url.host,
        protocol: url.protocol === 'https:' ? 'wss' : 'ws',
        description: 'This node (every node serves the same sockets).',
      },
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      messages,
      securitySchemes: {
        siteKey: { type: 'httpApiKey', name: 'siteKey', in: 'query', description: "The site's public key." },
        session: {
          type: 'httpApiKey',
          name: 'beckon_session',
          in: 'cookie',
          description: 'The console session cookie.',
        },
      },
    },
  };
}
