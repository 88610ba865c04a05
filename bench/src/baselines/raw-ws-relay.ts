// Baseline: a bare `ws` server that parses each JSON frame and answers with an ack.
// It does nothing useful, so it is the practical limit for one Node process here.
// For chat (W3) it is also a relay: `join` puts a socket in a room, and a `send` frame is
// forwarded as is to the room's other sockets before its ack. Nothing is stored.
// Run as a child process: prints `listening PORT` on stdout.
import { type WebSocket, WebSocketServer } from 'ws';

const wss = new WebSocketServer({
  port: Number(process.env.PORT ?? 0),
  host: '127.0.0.1',
  perMessageDeflate: false,
});
const rooms = new Map<string, Set<WebSocket>>();
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    let frame: { id?: string; type?: string; room?: string; echoId?: string };
    try {
      frame = JSON.parse(String(data));
    } catch {
      ws.close(4400);
      return;
    }
    if (frame.type === 'hello') ws.send('{"type":"welcome"}');
    else if (frame.type === 'join' && typeof frame.room === 'string') {
      const room = rooms.get(frame.room) ?? new Set();
      rooms.set(frame.room, room.add(ws));
      ws.once('close', () => room.delete(ws));
      ws.send('{"type":"joined"}');
    } else if (frame.type === 'send') {
      for (const peer of rooms.get(frame.room ?? '') ?? [])
        if (peer !== ws) peer.send(data, { binary: false });
      ws.send(`{"type":"ack","echoId":${JSON.stringify(frame.echoId)}}`);
    } else ws.send(`{"type":"ack","id":${JSON.stringify(frame.id)}}`);
  });
});
wss.on('listening', () => {
  const addr = wss.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : addr}\n`);
});
process.on('SIGTERM', () => process.exit(0));
