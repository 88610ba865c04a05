import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApnsSender, checkApnsCredentials } from '../src/channels/push/apns-sender.ts';
import { FcmSender, parseServiceAccount } from '../src/channels/push/fcm-sender.ts';
import type { PushNotification } from '../src/channels/push/push-sender.ts';
import { WebhookPushSender } from '../src/channels/push/webhook-push-sender.ts';
import { Egress } from '../src/egress/egress.ts';
import { startResettingApns } from './helpers/broken-providers.ts';
import {
  BAD_TOKEN_PREFIX,
  DEAD_TOKEN_PREFIX,
  type FakeApns,
  type FakeFcm,
  startFakeApns,
  startFakeFcm,
} from './helpers/push-providers.ts';

/** The stand-in providers listen on loopback, which the egress refuses unless allowed. */
const egress = new Egress({ allowPrivate: true, maxRedirects: 5 });
const strict = new Egress({ allowPrivate: false, maxRedirects: 5 });

const note: PushNotification = {
  title: 'Ada (Demo Store)',
  body: 'Your order ships tomorrow.',
  siteId: 'site_1',
  conversationId: 'cv_1',
  seq: 4,
  userId: 'user-42',
};

describe('FCM HTTP v1 sender', () => {
  let fcm: FakeFcm;
  before(async () => {
    fcm = await startFakeFcm();
  });
  after(() => fcm.close());

  const sender = (json = fcm.serviceAccount(), now?: () => number) =>
    new FcmSender({ account: parseServiceAccount(json), baseUrl: fcm.url, timeoutMs: 5000, now, egress });

  it('signs in with the service account and delivers the notification to each device', async () => {
    const s = sender();
    const before = fcm.messages.length;
    const report = await s.send(
      [
        { platform: 'fcm', token: 'device-a' },
        { platform: 'fcm', token: 'device-b' },
      ],
      note,
    );
    assert.deepEqual(report, { delivered: 2, deadTokens: [], error: null });
    const got = fcm.messages.slice(before);
    assert.deepEqual(
      got.map((m) => m.token),
      ['device-a', 'device-b'],
    );
    assert.deepEqual(got[0]!.notification, { title: note.title, body: note.body });
    assert.deepEqual(got[0]!.data, { conversationId: 'cv_1', seq: '4', siteId: 'site_1', userId: 'user-42' });
    // A second copy of the same line replaces the first on the phone: Android's tag, iOS's collapse id.
    assert.equal(got[0]!.android?.notification?.tag, 'cv_1:4');
    assert.equal(got[0]!.apns?.headers?.['apns-collapse-id'], 'cv_1:4');
  });

  it('keeps the access token until it expires', async () => {
    let now = Date.now();
    const s = sender(undefined, () => now);
    const start = fcm.tokenRequests;
    await s.send([{ platform: 'fcm', token: 'device-a' }], note);
    await s.send([{ platform: 'fcm', token: 'device-a' }], note);
    assert.equal(fcm.tokenRequests - start, 1, 'one token for two sends');
    now += 2 * 3600_000;
    await s.send([{ platform: 'fcm', token: 'device-a' }], note);
    assert.equal(fcm.tokenRequests - start, 2, 'a new token once the old one expired');
  });

  it('reports unregistered and invalid tokens as dead, and still delivers to the others', async () => {
    const report = await sender().send(
      [
        { platform: 'fcm', token: `${DEAD_TOKEN_PREFIX}-1` },
        { platform: 'fcm', token: 'device-c' },
        { platform: 'fcm', token: `${BAD_TOKEN_PREFIX}-2` },
      ],
      note,
    );
    assert.equal(report.delivered, 1);
    assert.deepEqual(report.deadTokens, [`${DEAD_TOKEN_PREFIX}-1`, `${BAD_TOKEN_PREFIX}-2`]);
    assert.equal(report.error, null);
  });

  it('surfaces a service account the token endpoint refuses, without calling a token dead', async () => {
    const report = await sender(fcm.serviceAccount({ wrongKey: true })).send(
      [{ platform: 'fcm', token: 'device-a' }],
      note,
    );
    assert.equal(report.delivered, 0);
    assert.deepEqual(report.deadTokens, []);
    assert.equal(report.error?.code, 'fcm_auth_failed');
    assert.match(report.error?.message ?? '', /Invalid JWT Signature/);
    assert.equal(report.error?.retryable, false);
  });

  it('surfaces an unreachable provider as worth retrying', async () => {
    const json = JSON.parse(fcm.serviceAccount()) as Record<string, string>;
    json.token_uri = 'http://127.0.0.1:1/token';
    const report = await sender(JSON.stringify(json)).send([{ platform: 'fcm', token: 'device-a' }], note);
    assert.equal(report.error?.code, 'fcm_auth_unreachable');
    assert.equal(report.error?.retryable, true);
  });

  it('refuses malformed service accounts with a reason', () => {
    assert.throws(() => parseServiceAccount('{'), /not JSON/);
    assert.throws(() => parseServiceAccount('{"project_id":"p"}'), /no private_key/);
    const json = JSON.parse(fcm.serviceAccount()) as Record<string, string>;
    assert.throws(
      () => parseServiceAccount(JSON.stringify({ ...json, private_key: 'nope' })),
      /not a PEM private key/,
    );
  });
});

describe('APNs sender (HTTP/2, ES256 provider token)', () => {
  let apns: FakeApns;
  before(async () => {
    apns = await startFakeApns('com.example.app');
  });
  after(() => apns.close());

  const sender = (wrongKey = false) =>
    new ApnsSender({
      credentials: { ...apns.credentials({ wrongKey }), bundleId: 'com.example.app', environment: 'sandbox' },
      baseUrl: apns.url,
      timeoutMs: 5000,
      egress,
    });

  it('posts an alert with the topic and push type to each device', async () => {
    const s = sender();
    const token = 'a'.repeat(64);
    const report = await s.send([{ platform: 'apns', token }], note);
    s.close();
    assert.deepEqual(report, { delivered: 1, deadTokens: [], error: null });
    const req = apns.requests.at(-1)!;
    assert.equal(req.token, token);
    assert.equal(req.headers['apns-topic'], 'com.example.app');
    assert.equal(req.headers['apns-push-type'], 'alert');
    // A second copy of the same line (sent again after a node died) replaces the first on the phone.
    assert.equal(req.headers['apns-collapse-id'], `${note.conversationId}:${note.seq}`);
    assert.deepEqual(req.payload.aps.alert, { title: note.title, body: note.body });
    assert.equal(req.payload.conversationId, 'cv_1');
  });

  it('reports 410 Unregistered and 400 BadDeviceToken as dead tokens', async () => {
    const s = sender();
    const report = await s.send(
      [
        { platform: 'apns', token: `${DEAD_TOKEN_PREFIX}0001` },
        { platform: 'apns', token: `${BAD_TOKEN_PREFIX}0002` },
        { platform: 'apns', token: 'b'.repeat(64) },
      ],
      note,
    );
    s.close();
    assert.equal(report.delivered, 1);
    assert.deepEqual(report.deadTokens, [`${DEAD_TOKEN_PREFIX}0001`, `${BAD_TOKEN_PREFIX}0002`]);
  });

  it('surfaces a key APNs refuses', async () => {
    const s = sender(true);
    const report = await s.send([{ platform: 'apns', token: 'c'.repeat(64) }], note);
    s.close();
    assert.equal(report.delivered, 0);
    assert.deepEqual(report.deadTokens, []);
    assert.equal(report.error?.code, 'apns_auth_failed');
    assert.match(report.error?.message ?? '', /InvalidProviderToken/);
  });

  // A message APNs may have taken is in doubt: a broadcast never sends it again (issue 47).
  const { NGHTTP2_INTERNAL_ERROR, NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;
  for (const [code, name, inDoubt] of [
    [NGHTTP2_INTERNAL_ERROR, 'INTERNAL_ERROR', true],
    [NGHTTP2_CANCEL, 'CANCEL', true],
    [NGHTTP2_REFUSED_STREAM, 'REFUSED_STREAM', false],
  ] as const) {
    it(`a stream reset with ${name} after the whole request: ${inDoubt ? 'may have reached APNs' : 'never processed'}`, async () => {
      const broken = await startResettingApns(code);
      const s = new ApnsSender({
        credentials: { ...apns.credentials(), bundleId: 'com.example.app', environment: 'sandbox' },
        baseUrl: broken.url,
        timeoutMs: 5000,
        egress,
      });
      const token = 'd'.repeat(64);
      const report = await s.send([{ platform: 'apns', token }], note);
      s.close();
      await broken.close();
      assert.deepEqual(broken.tokens, [token], 'APNs read the request whole');
      assert.equal(report.delivered, 0);
      assert.equal(report.error?.retryable, true);
      assert.equal(report.error?.mayHaveArrived, inDoubt);
    });
  }

  it('a connection never made: certainly not sent', async () => {
    const s = new ApnsSender({
      credentials: { ...apns.credentials(), bundleId: 'com.example.app', environment: 'sandbox' },
      baseUrl: 'http://127.0.0.1:1',
      timeoutMs: 5000,
      egress,
    });
    const report = await s.send([{ platform: 'apns', token: 'e'.repeat(64) }], note);
    s.close();
    assert.equal(report.error?.retryable, true);
    assert.equal(report.error?.mayHaveArrived, false);
  });

  it('refuses a key that is not a P-256 .p8 key', () => {
    assert.throws(
      () =>
        checkApnsCredentials({
          key: 'not a key',
          keyId: 'K',
          teamId: 'T',
          bundleId: 'b',
          environment: 'production',
        }),
      /not a PEM private key/,
    );
  });
});

describe('push webhook sender', () => {
  let server: http.Server;
  let url: string;
  let status = 204;
  const received: { body: string; signature: string }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString(),
          signature: String(req.headers['x-beckon-signature']),
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('posts the notification and the devices, signed with the site secret', async () => {
    status = 204;
    const s = new WebhookPushSender({ url, secret: 'whsec-1', timeoutMs: 5000, egress });
    const devices = [{ platform: 'apns' as const, token: 'd'.repeat(64) }];
    const report = await s.send(devices, note);
    assert.deepEqual(report, { delivered: 1, deadTokens: [], error: null });
    const { body, signature } = received.at(-1)!;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature) ?? [];
    assert.ok(t && v1, `signature header: ${signature}`);
    assert.equal(createHmac('sha256', 'whsec-1').update(`${t}.${body}`).digest('hex'), v1);
    const json = JSON.parse(body) as { notification: object; devices: object[]; conversationId: string };
    assert.deepEqual(json.notification, { title: note.title, body: note.body });
    assert.deepEqual(json.devices, devices);
    assert.equal(json.conversationId, 'cv_1');
  });

  it('surfaces an error answer', async () => {
    status = 503;
    const report = await new WebhookPushSender({ url, secret: 's', timeoutMs: 5000, egress }).send([], note);
    assert.equal(report.error?.code, 'webhook_http_503');
    assert.equal(report.error?.retryable, true);
  });

  it('refuses a private address without reaching it, and says retrying will not help', async () => {
    const before = received.length;
    const report = await new WebhookPushSender({ url, secret: 's', timeoutMs: 5000, egress: strict }).send(
      [],
      note,
    );
    assert.equal(report.error?.code, 'push_private_address');
    assert.match(report.error?.message ?? '', /127\.0\.0\.1 is a private address/);
    assert.equal(report.error?.retryable, false);
    assert.equal(received.length, before, 'the receiver was not reached');
  });
});
