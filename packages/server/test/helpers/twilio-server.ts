import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../src/channels/sms/twilio.ts';
import { OUTBOX_TEST_ENV } from '../channel-contract.ts';
import { cookieFor } from './chat-fixtures.ts';
import { closeServer } from './close-server.ts';
import { MediaFiles } from './media-files.ts';
import { startTestServer } from './test-server.ts';

export const TWILIO = {
  accountSid: `AC${'a1'.repeat(16)}`,
  authToken: 'twilio-auth-token-1',
  from: '+15005550006',
};

export interface TwilioSent {
  sid: string;
  To: string;
  From?: string;
  MessagingServiceSid?: string;
  Body: string;
  StatusCallback?: string;
}

const sidOf = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** A form body signed as Twilio signs its webhooks, for `url`. */
export function signedForm(url: string, fields: Record<string, string>, authToken = TWILIO.authToken) {
  const params = Object.entries(fields);
  return {
    body: new URLSearchParams(fields).toString(),
    signature: twilioSignature(authToken, url, params),
  };
}

/** Posts a form to a webhook with `X-Twilio-Signature` (or a given one, or none). */
export async function postSigned(url: string, fields: Record<string, string>, signature?: string | null) {
  const f = signedForm(url, fields);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature ?? f.signature }),
    },
    body: f.body,
  });
}

/** An inbound SMS as Twilio posts it to a number's webhook. */
export function smsFields(from: string, body: string, extra: Record<string, string> = {}) {
  return {
    ToCountry: 'US',
    SmsMessageSid: '',
    NumMedia: '0',
    SmsSid: '',
    SmsStatus: 'received',
    Body: body,
    To: TWILIO.from,
    NumSegments: '1',
    MessageSid: sidOf('SM'),
    AccountSid: TWILIO.accountSid,
    From: from,
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

/**
 * A local Twilio REST API for tests: `GET /2010-04-01/Accounts/{sid}.json` answers the account, and
 * `POST /2010-04-01/Accounts/{sid}/Messages.json` checks HTTP
 * Basic auth and the form, and answers Twilio's documented message resource (201) or its error
 * body `{ code, message, more_info, status }`. `fail` scripts the next answers; `report` posts a
 * signed status callback as Twilio does.
 */
export async function startTwilioApi() {
  const sent: TwilioSent[] = [];
  const fail: { status: number; code: number; message: string; retryAfter?: number }[] = [];
  /** Every answer to a send, with its time: how hard we pressed during an outage. */
  const calls: { status: number; at: number }[] = [];
  const media = new MediaFiles();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: number, message: string) =>
      answer(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
    const basic = `Basic ${Buffer.from(`${TWILIO.accountSid}:${TWILIO.authToken}`).toString('base64')}`;
    // An MMS's media, with the account's basic auth (when "HTTP Basic Authentication for media" is on).
    const file = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/[^/]+\/Media\/([^/]+)$/.exec(req.url ?? '');
    if (file && req.method === 'GET') {
      if (file[1] !== TWILIO.accountSid || req.headers.authorization !== basic)
        return error(401, 20003, 'Authenticate');
      return media.send(res, file[2]!);
    }
    // The account resource (what a connection test reads).
    const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(req.url ?? '');
    if (account && req.method === 'GET') {
      if (account[1] !== TWILIO.accountSid || req.headers.authorization !== basic)
        return error(401, 20003, 'Authenticate');
      return answer(200, {
        sid: TWILIO.accountSid,
        friendly_name: 'Demo Store SMS',
        status: 'active',
        type: 'Full',
      });
    }
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
    if (!m || req.method !== 'POST') return error(404, 20404, 'The requested resource was not found');
    if (m[1] !== TWILIO.accountSid || req.headers.authorization !== basic)
      return error(401, 20003, 'Authenticate');
    const next = fail.shift();
    if (next) {
      calls.push({ status: next.status, at: Date.now() });
      if (next.retryAfter !== undefined) res.setHeader('retry-after', String(next.retryAfter));
      return error(next.status, next.code, next.message);
    }
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    if (!form.To || !/^\+[1-9]\d{5,14}$/.test(form.To))
      return error(400, 21211, `The 'To' number ${form.To} is not a valid phone number.`);
    if (!form.From && !form.MessagingServiceSid)
      return error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required");
    if (!form.Body) return error(400, 21602, 'Message body is required.');
    const sid = sidOf('SM');
    sent.push({ sid, ...form } as TwilioSent);
    calls.push({ status: 201, at: Date.now() });
    const now = new Date().toUTCString();
    return answer(201, {
      account_sid: TWILIO.accountSid,
      api_version: '2010-04-01',
      body: form.Body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      to: form.To,
      uri: `/2010-04-01/Accounts/${TWILIO.accountSid}/Messages/${sid}.json`,
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    fail,
    calls,
    media,
    /** The URL Twilio gives an MMS's file in `MediaUrl{n}`. */
    mediaUrl: (id: string) =>
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/2010-04-01/Accounts/${TWILIO.accountSid}/Messages/MM${id}/Media/${id}`,
    /** Twilio's status callback for a sent message, signed, to the URL the message named. */
    report(s: TwilioSent, status: string, errorCode?: string, signature?: string | null) {
      return postSigned(
        s.StatusCallback!,
        {
          AccountSid: TWILIO.accountSid,
          ApiVersion: '2010-04-01',
          From: s.From ?? TWILIO.from,
          MessageSid: s.sid,
          MessageStatus: status,
          SmsSid: s.sid,
          SmsStatus: status,
          To: s.To,
          ...(errorCode ? { ErrorCode: errorCode } : {}),
        },
        signature,
      );
    },
    close: () => closeServer(server),
  };
}

/** A demo server with an SMS connection to a local Twilio API, and the admin's session. */
export async function startSms(env: Record<string, string> = {}) {
  const twilio = await startTwilioApi();
  const srv = await startTestServer({ demo: true, env: { ...OUTBOX_TEST_ENV, ...env } });
  const admin = await cookieFor(srv, 'admin@demo.beckon.local');
  const res = await fetch(`${srv.url}/api/v1/channels`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'sms', name: 'Texts', ...TWILIO, apiBaseUrl: twilio.url }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const created = (await res.json()) as { id: string; webhookUrl: string };
  return {
    twilio,
    srv,
    admin,
    created,
    accountId: srv.demo!.accountId,
    hook: `${srv.url}/hooks/sms/${created.id}`,
    async close() {
      await srv.close();
      await twilio.close();
    },
  };
}
