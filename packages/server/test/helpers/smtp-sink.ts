import type { AddressInfo, Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { SMTPServer } from 'smtp-server';

/** A mail the sink received: its envelope, raw bytes and parsed form. */
export interface SunkMail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

/** An SMTP server that keeps what it receives (a provider's relay, for tests). */
export interface SmtpSink {
  url: string;
  mails: SunkMail[];
  /** Answers the next DATA with this code and text instead of 250. */
  failNext(code: number, text: string): void;
  /** Answers each DATA this long after it arrived (a slow relay); 0 again for a quick one. */
  answerAfter(ms: number): void;
  /** The connections clients opened so far. */
  connections(): number;
  /** Closes every client's connection, as a relay does with idle ones. */
  hangUp(): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  let failure: { code: number; text: string } | undefined;
  let answerMs = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (answerMs > 0) await new Promise((r) => setTimeout(r, answerMs));
        if (failure) {
          const f = failure;
          failure = undefined;
          cb(Object.assign(new Error(f.text), { responseCode: f.code }));
          return;
        }
        const raw = Buffer.concat(chunks);
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          parsed: await simpleParser(raw),
        });
        cb(null);
      });
    },
  });
  // A client killed mid-session (a node's kill -9) resets its connection: not the sink's fault.
  server.on('error', () => {});
  const sockets = new Set<Socket>();
  let connections = 0;
  server.server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    failNext: (code, text) => {
      failure = { code, text };
    },
    answerAfter: (ms) => {
      answerMs = ms;
    },
    connections: () => connections,
    hangUp: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Sends one mail to an SMTP port as a mail client would; resolves with the server's reply or rejects with its error. */
export async function sendMail(
  port: number,
  mail: Mail.Options,
): Promise<{ response: string; messageId: string }> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    return await t.sendMail(mail);
  } finally {
    t.close();
  }
}
