import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { sendText } from '../src/realtime/text-frames.ts';

/** A ws server and one client connected to it; `server` is the server's side of that socket. */
async function pair(opts: { deflate: boolean }) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: opts.deflate });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as AddressInfo;
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: opts.deflate });
  const received: string[] = [];
  client.on('message', (data, isBinary) => {
    assert.equal(isBinary, false, 'a text frame');
    received.push(data.toString('utf8'));
  });
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  const server = await accepted;
  // Counts what went through ws's own send, to tell the fast path from the fallback.
  let viaWs = 0;
  const send = server.send.bind(server);
  server.send = ((...args: Parameters<WebSocket['send']>) => {
    viaWs++;
    return send(...args);
  }) as WebSocket['send'];
  return {
    server,
    client,
    received,
    viaWs: () => viaWs,
    async until(n: number) {
      const deadline = Date.now() + 5000;
      while (received.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.equal(received.length, n, `${n} messages arrived`);
    },
    async close() {
      client.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

// Every header size, with lengths counted in bytes (é is two, the emoji four) around each limit.
const TEXTS = [
  '',
  '{"type":"ack"}',
  'x'.repeat(125),
  'x'.repeat(126),
  'é'.repeat(63), // 126 bytes in 63 characters
  `${'x'.repeat(123)}🙂`, // 127 bytes
  'x'.repeat(65_535),
  'x'.repeat(65_536),
  `${'é'.repeat(40_000)}<script>alert(1)</script>`,
];

describe('text frames written straight to the socket', () => {
  it('arrive whole and in order at a ws client, interleaved with frames ws sends itself', async () => {
    const p = await pair({ deflate: false });
    try {
      const expected: string[] = [];
      for (const text of TEXTS) {
        sendText(p.server, text);
        expected.push(text);
        p.server.send(`ws:${expected.length}`); // a frame of ws's own between two of ours
        expected.push(`ws:${expected.length}`);
      }
      p.server.ping(); // answered by the client; framed by ws
      await p.until(expected.length);
      assert.deepEqual(p.received, expected);
      assert.equal(p.viaWs(), TEXTS.length, 'only the interleaved frames went through ws.send');
    } finally {
      await p.close();
    }
  });

  it('go through ws when an extension was negotiated, and nowhere once the socket closed', async () => {
    const p = await pair({ deflate: true });
    try {
      sendText(p.server, 'compressed by ws');
      await p.until(1);
      assert.deepEqual(p.received, ['compressed by ws']);
      assert.equal(p.viaWs(), 1);
      p.server.close(1000);
      await new Promise((r) => p.client.once('close', r));
      assert.doesNotThrow(() => sendText(p.server, 'too late'));
      assert.equal(p.viaWs(), 1);
    } finally {
      await p.close();
    }
  });
});
