import WebSocket from 'ws';
import { type ChatPair, type ChatPairEvents, type ChatTransport, idOfText, pairNodes } from './chat-pairs.ts';

/** Opens a socket, joins `room`, resolves once the relay confirmed. */
function join(url: string, room: string, onFrame: (f: RelayFrame) => void, ev: ChatPairEvents) {
  return new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'join', room })));
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as RelayFrame;
      if (f.type === 'joined') resolve(ws);
      else onFrame(f);
    });
    ws.once('error', reject);
    ws.on('close', (code) => {
      if (code !== 1000 && code !== 1005) ev.failed(`raw-ws socket closed ${code}`);
    });
  });
}

interface RelayFrame {
  type: string;
  echoId?: string;
  text?: string;
}

/** The raw `ws` relay's protocol: join a room, `send` frames are forwarded to the room and acked. */
export function rawWsTransport(urls: string[]): ChatTransport {
  const sockets: WebSocket[] = [];
  return {
    async connect(i: number, ev: ChatPairEvents): Promise<ChatPair> {
      const room = `p${i}`;
      const nodes = pairNodes(i, urls.length);
      const handler = (toAgent: boolean) => (f: RelayFrame) => {
        if (f.type === 'ack') ev.acked(f.echoId!);
        else if (f.type === 'send') {
          const id = idOfText(f.text!);
          if (toAgent) ev.toAgent(id);
          else ev.toVisitor(id);
        }
      };
      const visitor = await join(urls[nodes.visitor]!, room, handler(false), ev);
      const agent = await join(urls[nodes.agent]!, room, handler(true), ev);
      sockets.push(visitor, agent);
      const send = (ws: WebSocket) => (echoId: string, text: string) =>
        ws.send(JSON.stringify({ type: 'send', room, echoId, text }));
      return { visitorSend: send(visitor), agentSend: send(agent) };
    },
    async close() {
      for (const ws of sockets) ws.close(1000);
    },
  };
}
