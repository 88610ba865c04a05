// The broadcast workload's providers, in a process of their own: a WhatsApp Cloud API (Graph API),
// a Twilio REST API and an SMTP relay on loopback, each checking the requests as the provider
// documents them and answering as it does. They keep no message: each one is counted against the
// contact its address names (broadcast-people.ts), so a second message to one contact, on any
// channel, is a duplicate. The test helpers in packages/server/test/helpers keep and parse every
// message (mailparser for each mail), which at 100,000 would make the sinks the bottleneck.
// Prints `smtp PORT`, then `listening PORT` (the HTTP port of both APIs); `GET /counts` answers
// what arrived.
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { type BroadcastChannel, indexOfEmail, indexOfPhone, reachOf } from '../servers/broadcast-people.ts';
import { SINK_TEMPLATE, SINK_TWILIO, SINK_WHATSAPP, type SinkCounts } from './provider-accounts.ts';

const perContact = new Map<number, number>();
const messages: Record<BroadcastChannel, number> = { whatsapp: 0, sms: 0, email: 0 };
const peak: Record<BroadcastChannel, number> = { whatsapp: 0, sms: 0, email: 0 };
const second: Record<BroadcastChannel, { at: number; n: number }> = {
  whatsapp: { at: 0, n: 0 },
  sms: { at: 0, n: 0 },
  email: { at: 0, n: 0 },
};
/** Epoch ms of each channel's first and last message, for its mean rate over the send. */
const span: Record<BroadcastChannel, { first: number; last: number }> = {
  whatsapp: { first: 0, last: 0 },
  sms: { first: 0, last: 0 },
  email: { first: 0, last: 0 },
};
/** The counts `GET /counts` answers besides the per-channel ones. */
const tally = { duplicates: 0, wrongChannel: 0, unknown: 0, refused: 0, firstAt: 0, lastAt: 0 };

function count(channel: BroadcastChannel, index: number): void {
  const now = Date.now();
  tally.firstAt ||= now;
  tally.lastAt = now;
  messages[channel]++;
  span[channel].first ||= now;
  span[channel].last = now;
  const s = second[channel];
  const at = Math.floor(now / 1000);
  if (s.at === at) s.n++;
  else {
    s.at = at;
    s.n = 1;
  }
  peak[channel] = Math.max(peak[channel], s.n);
  if (index < 0) {
    tally.unknown++;
    return;
  }
  const seen = perContact.get(index) ?? 0;
  if (seen > 0) tally.duplicates++;
  perContact.set(index, seen + 1);
  if (reachOf(index).expected !== channel) tally.wrongChannel++;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** Meta's error body. */
const graphFail = (res: ServerResponse, status: number, code: number, message: string) => {
  tally.refused++;
  json(res, status, {
    error: { message, type: 'OAuthException', code, fbtrace_id: randomBytes(8).toString('hex') },
  });
};

/** Twilio's error body. */
const twilioFail = (res: ServerResponse, status: number, code: number, message: string) => {
  tally.refused++;
  json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
};

const BEARER = `Bearer ${SINK_WHATSAPP.accessToken}`;
const BASIC = `Basic ${Buffer.from(`${SINK_TWILIO.accountSid}:${SINK_TWILIO.authToken}`).toString('base64')}`;
const GRAPH = /^\/v\d+\.\d+\/([^/?]+)(\/messages|\/message_templates)?(?:\?.*)?$/;
const TWILIO = /^\/2010-04-01\/Accounts\/([^/]+)(\.json|\/Messages\.json)$/;

/** `POST /{version}/{phone-number-id}/messages` with a template, as the Cloud API takes it. */
function whatsappSend(body: string, res: ServerResponse) {
  let m: { messaging_product?: unknown; to?: unknown; type?: unknown; template?: { name?: unknown } };
  try {
    m = JSON.parse(body);
  } catch {
    return graphFail(res, 400, 100, 'Invalid parameter');
  }
  if (
    m.messaging_product !== 'whatsapp' ||
    m.type !== 'template' ||
    m.template?.name !== SINK_TEMPLATE.name ||
    typeof m.to !== 'string' ||
    !/^\d{6,15}$/.test(m.to)
  )
    return graphFail(res, 400, 100, 'Invalid parameter');
  count('whatsapp', indexOfPhone(m.to));
  json(res, 200, {
    messaging_product: 'whatsapp',
    contacts: [{ input: m.to, wa_id: m.to }],
    messages: [{ id: `wamid.${randomBytes(12).toString('base64url')}` }],
  });
}

/** `POST /2010-04-01/Accounts/{sid}/Messages.json`, a form, as Twilio's REST API takes it. */
function smsSend(req: { headers: Record<string, unknown> }, body: string, res: ServerResponse) {
  if (req.headers['content-type'] !== 'application/x-www-form-urlencoded')
    return twilioFail(res, 400, 20001, 'Unsupported content type');
  const form = new URLSearchParams(body);
  const to = form.get('To') ?? '';
  if (!/^\+[1-9]\d{5,14}$/.test(to))
    return twilioFail(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  if (!form.get('From') && !form.get('MessagingServiceSid'))
    return twilioFail(res, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required");
  if (!form.get('Body')) return twilioFail(res, 400, 21602, 'Message body is required.');
  count('sms', indexOfPhone(to));
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const now = new Date().toUTCString();
  json(res, 201, {
    account_sid: SINK_TWILIO.accountSid,
    api_version: '2010-04-01',
    body: form.get('Body'),
    date_created: now,
    date_updated: now,
    direction: 'outbound-api',
    from: form.get('From'),
    num_segments: '1',
    sid,
    status: 'queued',
    to,
    uri: `/2010-04-01/Accounts/${SINK_TWILIO.accountSid}/Messages/${sid}.json`,
  });
}

const http = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const url = req.url ?? '';
  if (url === '/counts') {
    const counts: SinkCounts = { messages, contacts: perContact.size, peakPerSecond: peak, span, ...tally };
    return json(res, 200, counts);
  }
  const twilio = TWILIO.exec(url);
  if (twilio) {
    if (twilio[1] !== SINK_TWILIO.accountSid || req.headers.authorization !== BASIC)
      return twilioFail(res, 401, 20003, 'Authenticate');
    if (twilio[2] === '.json' && req.method === 'GET')
      return json(res, 200, { sid: SINK_TWILIO.accountSid, friendly_name: 'Bench SMS', status: 'active' });
    if (twilio[2] === '/Messages.json' && req.method === 'POST') return smsSend(req, body, res);
    return twilioFail(res, 404, 20404, 'The requested resource was not found');
  }
  const graph = GRAPH.exec(url);
  if (!graph) return graphFail(res, 404, 100, 'Unknown path components');
  if (req.headers.authorization !== BEARER)
    return graphFail(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
  const [, node, edge] = graph;
  if (edge === '/message_templates' && req.method === 'GET' && node === SINK_WHATSAPP.wabaId)
    return json(res, 200, { data: [SINK_TEMPLATE], paging: { cursors: { before: '0', after: '1' } } });
  if (node !== SINK_WHATSAPP.phoneNumberId)
    return graphFail(res, 400, 100, `Unsupported request. Object with ID '${node}' does not exist`);
  if (!edge && req.method === 'GET')
    return json(res, 200, {
      verified_name: 'Bench Shop',
      display_phone_number: '+1 555-078-3847',
      id: node,
    });
  if (edge === '/messages' && req.method === 'POST') return whatsappSend(body, res);
  return graphFail(res, 404, 100, 'Unknown path components');
});
http.keepAliveTimeout = 30_000;

const smtp = new SMTPServer({
  name: 'relay.bench.local',
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  disableReverseLookup: true,
  size: 25 * 1024 * 1024,
  logger: false,
  onData(stream, session, cb) {
    stream.on('data', () => {});
    stream.on('end', () => {
      for (const r of session.envelope.rcptTo) count('email', indexOfEmail(r.address));
      cb(null, 'OK: queued');
    });
  },
});

// A client that drops its connection (a node killed mid-mail, `--kill-at`) is no fault of the relay's.
smtp.on('error', () => {});
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
process.stdout.write(`smtp ${(smtp.server.address() as AddressInfo).port}\n`);
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
process.stdout.write(`listening ${(http.address() as AddressInfo).port}\n`);
process.on('SIGTERM', () => {
  http.closeAllConnections();
  http.close();
  smtp.close(() => process.exit(0));
});
