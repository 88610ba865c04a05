import http2 from 'node:http2';
import { type AddressInfo, createServer, type Socket } from 'node:net';

/**
 * Providers whose connection breaks at a chosen moment: an SMTP relay (a plain speaker of the
 * protocol, so it can drop the connection where a real relay's crash would) and an APNs stand-in
 * that resets the stream. Each keeps what reached it.
 */

/** Where the relay drops the connection: after a message's closing dot, or when DATA is asked for. */
export type SmtpDrop = 'after-dot' | 'at-data';

export interface BrokenSmtp {
  url: string;
  /** The messages whose closing dot arrived (the relay had them whole). */
  messages: string[];
  drop: SmtpDrop;
  close(): Promise<void>;
}

export async function startBrokenSmtp(drop: SmtpDrop): Promise<BrokenSmtp> {
  const state: BrokenSmtp = { url: '', messages: [], drop, close: async () => {} };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let inData = false;
    const say = (line: string) => socket.write(`${line}\r\n`);
    say('220 broken.test ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          // The whole message is here: drop the connection instead of answering 250.
          state.messages.push(buffer.slice(0, end));
          buffer = '';
          inData = false;
          socket.destroy();
          return;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') say('250 broken.test');
        else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') say('250 OK');
        else if (verb === 'QUIT') {
          say('221 Bye');
          socket.end();
        } else if (verb === 'DATA') {
          if (state.drop === 'at-data') {
            socket.destroy();
            return;
          }
          say('354 End data with <CR><LF>.<CR><LF>');
          // The data begins after DATA's line: a message sent in the same packet is read as data.
          buffer = `\r\n${buffer}`;
          inData = true;
        } else say('502 Command not implemented');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}

/** An APNs stand-in that reads each request whole, then resets its stream with `code` instead of answering. */
export interface ResettingApns {
  url: string;
  /** The device tokens of the requests it read whole. */
  tokens: string[];
  code: number;
  close(): Promise<void>;
}

export async function startResettingApns(code: number): Promise<ResettingApns> {
  const state: ResettingApns = { url: '', tokens: [], code, close: async () => {} };
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    stream.on('data', () => {});
    stream.on('end', () => {
      state.tokens.push(String(headers[':path']).replace(/^\/3\/device\//, ''));
      stream.close(state.code);
    });
    stream.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      for (const s of sessions) s.destroy();
    });
  return state;
}
