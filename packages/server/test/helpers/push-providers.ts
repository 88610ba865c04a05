import { generateKeyPairSync, type KeyObject, randomBytes, verify } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { closeServer } from './close-server.ts';

/**
 * Local stand-ins for the push providers, built from their documented requests and answers:
 * Google's OAuth token endpoint with FCM HTTP v1 (HTTP/1.1), and APNs (HTTP/2 without TLS). Each
 * checks the JWT's signature with the public half of a key pair the test made, so a sender that
 * signs wrongly is refused as the real service would refuse it.
 */

/** A device token the fake providers call unregistered (FCM 404 UNREGISTERED, APNs 410). */
export const DEAD_TOKEN_PREFIX = 'dead';
/** A device token the fake providers call malformed (FCM 400 INVALID_ARGUMENT, APNs 400 BadDeviceToken). */
export const BAD_TOKEN_PREFIX = 'bad';

function decodeJwt(jwt: string, key: KeyObject, alg: 'RS256' | 'ES256') {
  const [h, c, s] = jwt.split('.');
  if (!h || !c || !s) return null;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg: string; kid?: string };
  if (header.alg !== alg) return null;
  const signature = Buffer.from(s, 'base64url');
  const data = Buffer.from(`${h}.${c}`);
  const ok =
    alg === 'RS256'
      ? verify('sha256', data, key, signature)
      : verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) return null;
  return { header, claims: JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown> };
}

const readBody = (req: IncomingMessage | http2.Http2ServerRequest) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });

export interface FcmMessage {
  token: string;
  notification: { title: string; body: string };
  data: Record<string, string>;
  android?: { collapse_key?: string; notification?: { tag?: string } };
  apns?: { headers?: Record<string, string> };
}

export interface FakeFcm {
  url: string;
  /** A service-account key file for this server (`private_key` matches the server's public key). */
  serviceAccount(opts?: { wrongKey?: boolean }): string;
  tokenRequests: number;
  messages: FcmMessage[];
  /** How long a send's answer takes (ms); the message is taken when it arrives, as FCM does. */
  answerDelayMs: number;
  close(): Promise<void>;
}

/**
 * RSA keys for the fake FCM, made once per process: a 2048-bit pair takes from 50 ms to a second
 * of CPU to find, and each fake's service account only needs a key that FCM's stand-in knows.
 */
let fcmKeys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
let otherKey: KeyObject | undefined;
const fcmKeyPair = () => (fcmKeys ??= generateKeyPairSync('rsa', { modulusLength: 2048 }));
const wrongFcmKey = () => (otherKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

export async function startFakeFcm(project = 'beckon-test'): Promise<FakeFcm> {
  const { privateKey, publicKey } = fcmKeyPair();
  const issued = new Set<string>();
  const state = { tokenRequests: 0, messages: [] as FcmMessage[], answerDelayMs: 0 };
  const email = `push@${project}.iam.gserviceaccount.com`;
  let url = '';
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const reply = (status: number, json: object) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    if (req.method === 'POST' && req.url === '/token') {
      state.tokenRequests++;
      const form = new URLSearchParams(body);
      const jwt = decodeJwt(form.get('assertion') ?? '', publicKey, 'RS256');
      const c = jwt?.claims;
      const now = Date.now() / 1000;
      if (
        form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' ||
        !c ||
        c.iss !== email ||
        c.aud !== `${url}/token` ||
        c.scope !== 'https://www.googleapis.com/auth/firebase.messaging' ||
        typeof c.exp !== 'number' ||
        c.exp < now
      ) {
        return reply(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
      }
      const token = `ya29.${randomBytes(12).toString('hex')}`;
      issued.add(token);
      return reply(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
    }
    if (req.method === 'POST' && req.url === `/v1/projects/${project}/messages:send`) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !issued.has(bearer)) {
        return reply(401, {
          error: {
            code: 401,
            message: 'Request had invalid authentication credentials.',
            status: 'UNAUTHENTICATED',
          },
        });
      }
      const message = (JSON.parse(body) as { message: FcmMessage }).message;
      if (message.token.startsWith(DEAD_TOKEN_PREFIX)) {
        return reply(404, {
          error: {
            code: 404,
            message: 'Requested entity was not found.',
            status: 'NOT_FOUND',
            details: [
              { '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' },
            ],
          },
        });
      }
      if (message.token.startsWith(BAD_TOKEN_PREFIX)) {
        return reply(400, {
          error: {
            code: 400,
            message: 'The registration token is not a valid FCM registration token',
            status: 'INVALID_ARGUMENT',
            details: [
              {
                '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
                errorCode: 'INVALID_ARGUMENT',
              },
            ],
          },
        });
      }
      state.messages.push(message);
      if (state.answerDelayMs > 0) await new Promise((r) => setTimeout(r, state.answerDelayMs));
      return reply(200, { name: `projects/${project}/messages/${randomBytes(6).toString('hex')}` });
    }
    reply(404, { error: { code: 404, message: 'not found', status: 'NOT_FOUND' } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    serviceAccount(opts = {}) {
      const key = opts.wrongKey ? wrongFcmKey() : privateKey;
      return JSON.stringify({
        type: 'service_account',
        project_id: project,
        private_key_id: 'k1',
        private_key: key.export({ type: 'pkcs8', format: 'pem' }),
        client_email: email,
        token_uri: `${url}/token`,
      });
    },
    get tokenRequests() {
      return state.tokenRequests;
    },
    messages: state.messages,
    get answerDelayMs() {
      return state.answerDelayMs;
    },
    set answerDelayMs(ms: number) {
      state.answerDelayMs = ms;
    },
    close: () => closeServer(server),
  };
}

export interface ApnsRequest {
  token: string;
  headers: Record<string, string | string[] | undefined>;
  payload: { aps: { alert: { title: string; body: string } }; conversationId: string; seq: number };
}

export interface FakeApns {
  url: string;
  /** A .p8 key whose public half the server checks, with its key id and team id. */
  credentials(opts?: { wrongKey?: boolean }): { key: string; keyId: string; teamId: string };
  requests: ApnsRequest[];
  close(): Promise<void>;
}

export async function startFakeApns(bundleId = 'com.example.app'): Promise<FakeApns> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyId = 'ABC123DEFG';
  const teamId = 'TEAM123456';
  const requests: ApnsRequest[] = [];
  const server = http2.createServer(async (req, res) => {
    const body = await readBody(req);
    const reply = (status: number, json?: object) => {
      res.writeHead(status, { 'apns-id': randomBytes(8).toString('hex') });
      if (json) res.end(JSON.stringify(json));
      else res.end();
    };
    const token = /^\/3\/device\/([^/]+)$/.exec(req.url)?.[1];
    if (req.method !== 'POST' || !token) return reply(404, { reason: 'BadPath' });
    const jwt = decodeJwt((req.headers.authorization ?? '').replace(/^bearer /, ''), publicKey, 'ES256');
    if (!jwt || jwt.header.kid !== keyId || jwt.claims.iss !== teamId)
      return reply(403, { reason: 'InvalidProviderToken' });
    if (req.headers['apns-topic'] !== bundleId) return reply(400, { reason: 'BadTopic' });
    if (req.headers['apns-push-type'] !== 'alert') return reply(400, { reason: 'InvalidPushType' });
    if (token.startsWith(DEAD_TOKEN_PREFIX))
      return reply(410, { reason: 'Unregistered', timestamp: Date.now() });
    if (token.startsWith(BAD_TOKEN_PREFIX)) return reply(400, { reason: 'BadDeviceToken' });
    requests.push({
      token,
      headers: { ...req.headers },
      payload: JSON.parse(body) as ApnsRequest['payload'],
    });
    reply(200);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials(opts = {}) {
      const key = opts.wrongKey
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
        : privateKey;
      return { key: key.export({ type: 'pkcs8', format: 'pem' }) as string, keyId, teamId };
    },
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
