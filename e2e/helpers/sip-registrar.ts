import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo } from 'node:dgram';

/** What the registrar knows of the one user who registered. */
export interface Registration {
  user: string;
  /** The Contact the gateway registered: where the trunk sends its INVITEs. */
  contact: string;
  host: string;
  port: number;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/**
 * A SIP registrar as a carrier's trunk runs one (RFC 3261 REGISTER with Digest authentication,
 * RFC 2617 without qop), over UDP on 127.0.0.1: it challenges, checks the password, answers
 * 200 OK and keeps the Contact, or refuses with 403 when `refuse` is set. OPTIONS keepalives get
 * 200. Just enough of a trunk for the gateway to register to it.
 */
export async function startRegistrar(credentials: { user: string; password: string; refuse?: boolean }) {
  const socket = createSocket('udp4');
  const realm = 'trunk.test';
  const nonce = randomBytes(8).toString('hex');
  let current: Registration | null = null;
  const waiters: Array<(r: Registration) => void> = [];
  const attempts: string[] = [];

  const reply = (req: Map<string, string>, first: string, to: RemoteInfo, extra: string[] = []) => {
    const lines = [
      first,
      `Via: ${req.get('via')}`,
      `From: ${req.get('from')}`,
      `To: ${req.get('to')}${/;tag=/.test(req.get('to') ?? '') ? '' : ';tag=trunk1'}`,
      `Call-ID: ${req.get('call-id')}`,
      `CSeq: ${req.get('cseq')}`,
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ];
    socket.send(lines.join('\r\n'), to.port, to.address);
  };

  socket.on('message', (buf, rinfo) => {
    const text = buf.toString();
    const [start, ...rest] = text.split('\r\n');
    const method = start?.split(' ')[0];
    const headers = new Map<string, string>();
    for (const line of rest) {
      if (!line) break;
      const i = line.indexOf(':');
      const name = line.slice(0, i).trim().toLowerCase();
      const short: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact' };
      const key = short[name] ?? name;
      if (!headers.has(key)) headers.set(key, line.slice(i + 1).trim());
    }
    if (method === 'OPTIONS') return reply(headers, 'SIP/2.0 200 OK', rinfo);
    if (method !== 'REGISTER') return reply(headers, 'SIP/2.0 405 Method Not Allowed', rinfo);
    attempts.push(method);
    if (credentials.refuse) return reply(headers, 'SIP/2.0 403 Forbidden', rinfo);
    const auth = headers.get('authorization');
    if (!auth)
      return reply(headers, 'SIP/2.0 401 Unauthorized', rinfo, [
        `WWW-Authenticate: Digest realm="${realm}", nonce="${nonce}", algorithm=MD5`,
      ]);
    const field = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(auth)?.[1] ?? '';
    const expected = md5(
      `${md5(`${credentials.user}:${realm}:${credentials.password}`)}:${nonce}:${md5(`REGISTER:${field('uri')}`)}`,
    );
    if (field('username') !== credentials.user || field('response') !== expected)
      return reply(headers, 'SIP/2.0 403 Forbidden', rinfo);
    const contact = headers.get('contact') ?? '';
    const at = /<?sip:([^@>]+)@([^:;>]+):(\d+)/.exec(contact);
    if (!at) return reply(headers, 'SIP/2.0 400 Bad Contact', rinfo);
    reply(headers, 'SIP/2.0 200 OK', rinfo, [`Contact: ${contact};expires=3600`]);
    current = { user: at[1]!, contact, host: at[2]!, port: Number(at[3]) };
    for (const w of waiters.splice(0)) w(current);
  });

  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    attempts,
    /** Resolves with the registration, at once if the gateway registered already. */
    registered(): Promise<Registration> {
      return current ? Promise.resolve(current) : new Promise((resolve) => waiters.push(resolve));
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
