// A child process that opens COUNT idle visitor sockets (hello, then silence — the sockets still
// answer the server's pings, as browsers do) from LOCAL_ADDRESS and holds them. Prints
// `ready N failed M` once all are welcomed, then `closed K` whenever sockets have closed since
// (a heartbeat timeout would show here); exits on SIGTERM. Used by W4 so that the client's file
// descriptors and CPU are not the server's.
import WebSocket from 'ws';
import { helloFrame } from './visitor-frames.ts';

const [url, origin, countText, prefix, localAddress] = process.argv.slice(2);
const count = Number(countText);
const sockets: WebSocket[] = [];
let welcomed = 0;
let failed = 0;
let closed = 0;
let ready = false;

function open(i: number): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url!, {
      headers: { origin: origin! },
      perMessageDeflate: false,
      ...(localAddress ? { localAddress } : {}),
    });
    sockets.push(ws);
    ws.once('open', () => ws.send(helloFrame(`${prefix}-${i}`, origin!)));
    ws.once('message', () => {
      welcomed++;
      resolve();
    });
    ws.once('error', () => {
      failed++;
      resolve();
    });
    ws.once('close', () => {
      closed++;
      if (ready) process.stdout.write(`closed ${closed}\n`);
    });
  });
}

for (let i = 0; i < count; i += 250) {
  await Promise.all(Array.from({ length: Math.min(250, count - i) }, (_, j) => open(i + j)));
}
ready = true;
process.stdout.write(`ready ${welcomed} failed ${failed}\n`);
process.on('SIGTERM', () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
setInterval(() => {}, 1 << 30);
