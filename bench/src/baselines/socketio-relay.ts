// Baseline: a minimal Socket.IO chat relay (rooms, no persistence) — what a Node developer
// would build first, and the engine under many chat products.
// Run as a child process: prints `listening PORT` on stdout.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
io.on('connection', (socket) => {
  socket.on('join', (room: string, ack?: () => void) => {
    socket.join(room);
    ack?.();
  });
  socket.on(
    'message',
    (msg: { room: string; text: string; echoId: string; sentAt: number }, ack?: (r: unknown) => void) => {
      socket.to(msg.room).emit('message', msg);
      ack?.({ ok: true, echoId: msg.echoId });
    },
  );
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = http.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : addr}\n`);
});
process.on('SIGTERM', () => process.exit(0));
