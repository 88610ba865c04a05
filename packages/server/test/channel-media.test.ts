import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@beckon/protocol/chat-api';
import { startTelegram, tgUpdate } from './helpers/bot-api-server.ts';
import { cookieFor } from './helpers/chat-fixtures.ts';
import { postWebhook } from './helpers/graph-api-server.ts';
import { bigJpeg } from './helpers/media-files.ts';
import { startMessenger } from './helpers/messenger-fixture.ts';
import { customerMessage } from './helpers/messenger-graph-server.ts';
import { JPEG, PDF, PNG } from './helpers/sample-files.ts';
import { postSigned, smsFields, startSms } from './helpers/twilio-server.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

/** A small limit, so "too large" files stay small in the test. */
const MAX = 64 * 1024;
const ENV = { BECKON_ATTACHMENT_MAX_BYTES: String(MAX) };

type Srv = Awaited<ReturnType<typeof startWhatsApp>>['srv'];

/** The line a provider message became, as the console reads it (in a list, for destructuring). */
async function linesOf(srv: Srv, externalId: string): Promise<Message[]> {
  const store = srv.node.ctx.store;
  const row = await store.db
    .selectFrom('channel_messages')
    .select(['conversation_id', 'seq'])
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  const { cookie } = await cookieFor(srv, 'admin@demo.beckon.local');
  const res = await fetch(`${srv.url}/api/v1/conversations/${row.conversation_id}/messages`, {
    headers: { cookie },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: Message[] }).items.filter((m) => m.seq === Number(row.seq));
}

/** The bytes of an attachment as the console fetches them. */
async function bytesOf(srv: Srv, url: string): Promise<Buffer> {
  const { cookie } = await cookieFor(srv, 'admin@demo.beckon.local');
  const res = await fetch(`${srv.url}${url}`, { headers: { cookie } });
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

describe('inbound media: WhatsApp', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;
  before(async () => {
    wa = await startWhatsApp(ENV);
  });
  after(() => wa?.close());

  const deliver = async (message: Record<string, unknown>) => {
    const id = `wamid.${randomBytes(12).toString('base64url')}`;
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: WA.phoneNumberId },
                contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: '16315551181' }],
                messages: [
                  { from: '16315551181', id, timestamp: String(Math.floor(Date.now() / 1000)), ...message },
                ],
              },
            },
          ],
        },
      ],
    };
    for (let i = 0; i < 2; i++) assert.equal((await postWebhook(wa.hook, body, WA.appSecret)).status, 200);
    return linesOf(wa.srv, id);
  };

  it('an image and a document are downloaded with the token and stored once as the line’s attachments', async () => {
    const photo = wa.media.add({ bytes: JPEG, contentType: 'image/jpeg' });
    const [line] = await deliver({
      type: 'image',
      image: { id: photo, mime_type: 'image/jpeg', caption: 'The dent' },
    });
    assert.equal(line!.text, 'The dent');
    assert.equal(line!.attachments.length, 1);
    assert.equal(line!.attachments[0]!.contentType, 'image/jpeg');
    assert.deepEqual(await bytesOf(wa.srv, line!.attachments[0]!.url), JPEG);

    const doc = wa.media.add({ bytes: PDF, contentType: 'application/pdf' });
    const [d] = await deliver({
      type: 'document',
      document: { id: doc, mime_type: 'application/pdf', filename: 'invoice-2291.pdf' },
    });
    assert.equal(d!.text, '');
    assert.equal(d!.attachments[0]!.name, 'invoice-2291.pdf');
  });

  it('a file over the limit is never fetched: the caption stays, with a note saying which file was too large', async () => {
    const big = wa.media.add({ bytes: bigJpeg(MAX * 3, JPEG), contentType: 'image/jpeg' });
    const [line] = await deliver({
      type: 'image',
      image: { id: big, mime_type: 'image/jpeg', caption: 'Full resolution' },
    });
    assert.equal(line!.attachments.length, 0);
    assert.match(
      line!.text,
      /^Full resolution\n\[A photo was not kept: the file is too large \(0\.2 MB; the limit is 0\.1 MB\)\.\]$/,
    );
    assert.ok(!wa.media.downloads.includes(big), 'the declared size stopped it before the download');
  });

  it('audio is named, not downloaded; a file the provider will not hand over keeps the message with a note', async () => {
    const voice = wa.media.add({ bytes: randomBytes(2000), contentType: 'audio/ogg' });
    const [a] = await deliver({ type: 'audio', audio: { id: voice, mime_type: 'audio/ogg; codecs=opus' } });
    assert.equal(
      a!.text,
      '[A voice message: this kind of file cannot be shown here; open WhatsApp to see it.]',
    );
    assert.ok(!wa.media.downloads.includes(voice));

    const gone = wa.media.add({ bytes: PNG, contentType: 'image/png', status: 404 });
    const [g] = await deliver({
      type: 'image',
      image: { id: gone, mime_type: 'image/png', caption: 'See this' },
    });
    assert.equal(g!.attachments.length, 0);
    assert.match(
      g!.text,
      /^See this\n\[A photo could not be downloaded from WhatsApp \(the provider answered 404\); open WhatsApp to see it\.\]$/,
    );
  });
});

describe('inbound media: Telegram', () => {
  let tg: Awaited<ReturnType<typeof startTelegram>>;
  before(async () => {
    tg = await startTelegram(ENV);
  });
  after(() => tg?.close());

  it('a photo is fetched with getFile and /file/bot<token>/<path>, its largest size kept', async () => {
    const small = tg.bot.media.add({ bytes: PNG, contentType: 'image/png' });
    const large = tg.bot.media.add({ bytes: JPEG, contentType: 'image/jpeg' });
    const update = tgUpdate(880_000_001, 'x', 7);
    const { text: _t, ...message } = update.message;
    const photo = [
      { file_id: small, file_unique_id: 's', width: 90, height: 90, file_size: PNG.length },
      { file_id: large, file_unique_id: 'l', width: 800, height: 800, file_size: JPEG.length },
    ];
    const res = await tg.post({ ...update, message: { ...message, photo, caption: 'My receipt' } });
    assert.equal(res.status, 200);
    const [line] = await linesOf(tg.srv, `${tg.created.id}:880000001:7`);
    assert.equal(line!.text, 'My receipt');
    assert.equal(line!.attachments.length, 1);
    assert.deepEqual(await bytesOf(tg.srv, line!.attachments[0]!.url), JPEG);
    assert.ok(!tg.bot.media.downloads.includes(small));
  });
});

describe('inbound media: SMS (Twilio MMS)', () => {
  let sms: Awaited<ReturnType<typeof startSms>>;
  before(async () => {
    sms = await startSms(ENV);
  });
  after(() => sms?.close());

  it("MediaUrl0..N are fetched with the account's basic auth; one announced too large is refused by its header", async () => {
    const ok = sms.twilio.media.add({ bytes: PNG, contentType: 'image/png' });
    const big = sms.twilio.media.add({ bytes: bigJpeg(MAX + 1, JPEG), contentType: 'image/jpeg' });
    const f = smsFields('+15005550201', 'Here is the damage', {
      NumMedia: '2',
      MediaUrl0: sms.twilio.mediaUrl(ok),
      MediaContentType0: 'image/png',
      MediaUrl1: sms.twilio.mediaUrl(big),
      MediaContentType1: 'image/jpeg',
    });
    assert.equal((await postSigned(sms.hook, f)).status, 200);
    const [line] = await linesOf(sms.srv, f.MessageSid);
    assert.equal(line!.attachments.length, 1);
    assert.deepEqual(await bytesOf(sms.srv, line!.attachments[0]!.url), PNG);
    assert.match(line!.text, /^Here is the damage\n\[File 2 of the MMS was not kept: the file is too large/);
  });
});

describe('inbound media: Messenger', () => {
  let m: Awaited<ReturnType<typeof startMessenger>>;
  before(async () => {
    m = await startMessenger('messenger', { ...ENV, BECKON_PROVIDER_TIMEOUT_MS: '1500' });
  });
  after(() => m?.close());

  it('attachment URLs are downloaded; one that streams past the limit without a length is cut off and named', async () => {
    const ok = m.graph.media.add({ bytes: JPEG, contentType: 'image/jpeg' });
    const big = m.graph.media.add({
      bytes: bigJpeg(MAX * 4, JPEG),
      contentType: 'image/jpeg',
      framing: 'chunked',
    });
    const c = customerMessage('7100000000000001', {
      text: 'Two photos',
      attachments: [
        { type: 'image', payload: { url: m.graph.cdnUrl(ok) } },
        { type: 'image', payload: { url: m.graph.cdnUrl(big) } },
      ],
    });
    assert.equal((await m.post(c.event)).status, 200);
    const [line] = await linesOf(m.srv, c.mid);
    assert.equal(line!.attachments.length, 1);
    assert.deepEqual(await bytesOf(m.srv, line!.attachments[0]!.url), JPEG);
    assert.match(line!.text, /^Two photos\n\[A photo was not kept: the file is too large \(over 0\.1 MB/);
  });

  it('a file that never finishes is given up within the provider timeout, and the message is kept', async () => {
    const stuck = m.graph.media.add({ bytes: PDF, contentType: 'application/pdf', framing: 'stall' });
    const c = customerMessage('7100000000000002', {
      text: 'My statement',
      attachments: [{ type: 'file', payload: { url: m.graph.cdnUrl(stuck) } }],
    });
    assert.equal((await m.post(c.event)).status, 200);
    const [line] = await linesOf(m.srv, c.mid);
    assert.equal(line!.attachments.length, 0);
    assert.equal(
      line!.text,
      'My statement\n[A file could not be downloaded from Messenger (no answer in time); open Messenger to see it.]',
    );
  });
});
