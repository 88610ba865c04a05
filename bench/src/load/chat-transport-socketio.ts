import { io, type Socket } from 'socket.io-client';
import { type ChatPair, type ChatPairEvents, type ChatTransport, idOfText, pairNodes } from './chat-pairs.ts';

interface RelayMessage {
  room: string;
  echoId: string;
  text: string;
}

/** Connects one Socket.IO client (its own connection, WebSocket only) and joins `room`. */
function join(url: string, room: string, onMessage: (m: RelayMessage) => void, ev: ChatPairEvents) {
  return new Promise<Socket>((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('connect', () => socket.emit('join', room, () => resolve(socket)));
    socket.once('connect_error', reject);
    socket.on('message', onMessage);
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') ev.failed(`socket.io disconnected: ${reason}`);
    });
  });
}

/** The Socket.IO relay's protocol: `join` a room, `message` events go to the room, with an ack. */
export function socketIoTransport(urls: string[]): ChatTransport {
  const sockets: Socket[] = [];
  return {
    async connect(i: number, ev: ChatPairEvents): Promise<ChatPair> {
      const room = `p${i}`;
      const nodes = pairNodes(i, urls.length);
      const visitor = await join(urls[nodes.visitor]!, room, (m) => ev.toVisitor(idOfText(m.text)), ev);
      const agent = await join(urls[nodes.agent]!, room, (m) => ev.toAgent(idOfText(m.text)), ev);
      sockets.push(visitor, agent);
      const send = (s: Socket) => (echoId: string, text: string) =>
        s.emit('message', { room, echoId, text }, () => ev.acked(echoId));
      return { visitorSend: send(visitor), agentSend: send(agent) };
    },
    async close() {
      for (const s of sockets) s.disconnect();
    },
  };
}
