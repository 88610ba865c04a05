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

/** Where the trunk sends a call to a number: a phone on 127.0.0.1, or a final answer of its own (486 Busy). */
export type PhoneRoute = { port: number } | { answer: number; reason: string };

/** An INVITE the trunk saw from the gateway: the number it is for, and the caller ID it carried. */
export interface SeenInvite {
  to: string;
  assertedIdentity: string | null;
}

/**
 * A SIP registrar and stateless proxy as a carrier's trunk runs one (RFC 3261 REGISTER with
 * Digest authentication, RFC 2617 without qop), over UDP on 127.0.0.1: it challenges, checks
 * the password, answers 200 OK and keeps the Contact, or refuses with 403 when `refuse` is set
 * (or with 503 to the first `unavailable` REGISTERs).
 * OPTIONS keepalives get 200. A call the gateway places to a number in `routes` is passed to
 * that phone (its own Via on top; answers go back by the Via below), or answered by the trunk
 * itself (486 Busy Here); any other request is passed to its Request-URI. Just enough of a trunk
 * for the gateway to register to it and call out through it.
 */
export async function startRegistrar(credentials: {
  user: string;
  password: string;
  refuse?: boolean;
  /** Answers this many REGISTERs with 503 Service Unavailable first (a carrier's outage). */
  unavailable?: number;
  routes?: Record<string, PhoneRoute>;
}) {
  const socket = createSocket('udp4');
  const realm = 'trunk.test';
  const nonce = randomBytes(8).toString('hex');
  let current: Registration | null = null;
  const waiters: Array<(r: Registration) => void> = [];
  const attempts: string[] = [];
  const invites: SeenInvite[] = [];
  let outages = credentials.unavailable ?? 0;
  let me = 0;

  /** A stateless proxy's branch: the same for an INVITE and its CANCEL (RFC 3261 16.11). */
  const branch = (via: string) => `z9hG4bK${md5(/branch=([^;,\s]+)/.exec(via)?.[1] ?? via).slice(0, 16)}`;
  /** Where a response goes: the Via's `received`/`rport` if the sender set them, else its sent-by. */
  const viaTarget = (via: string) => {
    const m = /SIP\/2\.0\/UDP\s+([^;:\s]+)(?::(\d+))?/i.exec(via);
    const received = /;received=([^;,\s]+)/.exec(via)?.[1];
    const rport = /;rport=(\d+)/.exec(via)?.[1];
    return { host: received ?? m?.[1] ?? '127.0.0.1', port: Number(rport ?? m?.[2] ?? 5060) };
  };
  const forward = (text: string, rinfo: RemoteInfo, firstLine: string, host: string, port: number) => {
    const lines = text.split('\r\n');
    lines[0] = firstLine;
    const topVia = lines.findIndex((l) => /^(via|v)\s*:/i.test(l));
    // The sender's Via learns where the request came from, so its answer finds the way back.
    if (topVia > 0 && !/;received=/.test(lines[topVia]!))
      lines[topVia] = `${lines[topVia]!};received=${rinfo.address};rport=${rinfo.port}`.replace(
        /;rport(?!=)/,
        '',
      );
    lines.splice(1, 0, `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=${branch(lines[topVia] ?? '')}`);
    if (process.env.SIP_DEBUG) console.error(`[trunk ${me}] -> ${host}:${port}\n${lines.join('\n')}`);
    socket.send(lines.join('\r\n'), port, host);
  };
  const onResponse = (text: string) => {
    const lines = text.split('\r\n');
    const i = lines.findIndex((l) => /^(via|v)\s*:/i.test(l));
    if (i < 0 || !lines[i]!.includes(`127.0.0.1:${me}`)) return;
    lines.splice(i, 1);
    const next = lines.find((l) => /^(via|v)\s*:/i.test(l));
    if (!next) return;
    const to = viaTarget(next);
    if (process.env.SIP_DEBUG) console.error(`[trunk ${me}] response -> ${to.host}:${to.port} ${lines[0]}`);
    socket.send(lines.join('\r\n'), to.port, to.host);
  };

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
    if (process.env.SIP_DEBUG)
      console.error(`[trunk ${me}] <- ${rinfo.address}:${rinfo.port} ${text.split('\r\n')[0]}`);
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
    if (start?.startsWith('SIP/2.0 ')) return onResponse(text);
    if (method === 'OPTIONS') return reply(headers, 'SIP/2.0 200 OK', rinfo);
    if (method !== 'REGISTER') {
      const uri = start?.split(' ')[1] ?? '';
      const target = /^sips?:(?:([^@;>]+)@)?([^:;>]+)(?::(\d+))?/.exec(uri);
      const toTrunk =
        target &&
        (target[2] === '127.0.0.1' || target[2] === 'localhost') &&
        (!target[3] || Number(target[3]) === me);
      if (!target || !toTrunk) {
        if (!target) return reply(headers, 'SIP/2.0 416 Unsupported URI Scheme', rinfo);
        return forward(text, rinfo, start!, target[2]!, Number(target[3] ?? 5060));
      }
      const number = target[1] ?? '';
      const route = credentials.routes?.[number];
      if (method === 'INVITE')
        invites.push({ to: number, assertedIdentity: headers.get('p-asserted-identity') ?? null });
      if (!route) return method === 'ACK' ? undefined : reply(headers, 'SIP/2.0 404 Not Found', rinfo);
      if ('answer' in route) {
        if (method === 'INVITE') reply(headers, `SIP/2.0 ${route.answer} ${route.reason}`, rinfo);
        else if (method === 'CANCEL') reply(headers, 'SIP/2.0 200 OK', rinfo);
        return;
      }
      return forward(
        text,
        rinfo,
        `${method} sip:${number}@127.0.0.1:${route.port} SIP/2.0`,
        '127.0.0.1',
        route.port,
      );
    }
    attempts.push(method);
    if (credentials.refuse) return reply(headers, 'SIP/2.0 403 Forbidden', rinfo);
    if (outages > 0) {
      outages--;
      return reply(headers, 'SIP/2.0 503 Service Unavailable', rinfo);
    }
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
  me = socket.address().port;
  return {
    port: me,
    attempts,
    /** The calls the gateway placed through the trunk. */
    invites,
    /** Resolves with the registration, at once if the gateway registered already. */
    registered(): Promise<Registration> {
      return current ? Promise.resolve(current) : new Promise((resolve) => waiters.push(resolve));
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
