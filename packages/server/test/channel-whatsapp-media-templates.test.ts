import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import {
  MEDIA_HEADER_TEMPLATES,
  postWebhook,
  SAMPLE_TEMPLATES,
  waMessageDelivery,
} from './helpers/graph-api-server.ts';
import { PDF, PNG } from './helpers/sample-files.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

const WABA = '102290129340398';
let numbers = 0;
const newNumber = () => `1445${String(Date.now()).slice(-5)}${String(++numbers).padStart(2, '0')}`;

describe('WhatsApp templates with a media or location header', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;
  let agent: AgentChatClient;
  let sales: Awaited<ReturnType<typeof cookieFor>>;
  let echo = 0;

  before(async () => {
    wa = await startWhatsApp(
      {},
      { wabaId: WABA, templates: [...SAMPLE_TEMPLATES, ...MEDIA_HEADER_TEMPLATES] },
    );
    sales = await cookieFor(wa.srv, 'sales@demo.beckon.local');
    await wa.srv.node.ctx.store.users.update(wa.accountId, sales.userId, { capacity: 30 });
    agent = await connectAgent(wa.srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await agent?.disconnect();
    await wa?.close();
  });

  /** A customer who wrote `hoursAgo` hours ago (outside the window past 24), held by the agent. */
  const conversationFrom = async (from: string, hoursAgo: number) => {
    const d = waMessageDelivery(WA.phoneNumberId, from, 'Is my order ready?', {
      timestamp: Math.floor(Date.now() / 1000) - hoursAgo * 3600,
    });
    assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
    const row = await wa.srv.node.ctx.store.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('external_id', '=', d.id)
      .executeTakeFirstOrThrow();
    await eventually(() => agent.offers.get(row.conversation_id), 5000, 'the offer');
    await agent.accept(row.conversation_id);
    return row.conversation_id;
  };
  const sendTemplate = (id: string, body: Record<string, unknown>) =>
    wa.api(
      `/api/v1/conversations/${id}/messages/template`,
      { method: 'POST', body: JSON.stringify({ echoId: `media-${++echo}`, language: 'en_US', ...body }) },
      sales,
    );
  /** What the local Graph API accepted for `to`, once the outbox sent it. */
  const sentTo = (to: string) => eventually(() => wa.graph.sent.find((s) => s.to === to), 5000, 'the send');

  it('lists image, document and location headers as sendable, with their format', async () => {
    const res = await wa.api(`/api/v1/conversations/${await conversationFrom(newNumber(), 2)}/whatsapp`);
    const { templates } = (await res.json()) as {
      templates: { name: string; header: { format: string } | null; unsupported: string | null }[];
    };
    const byName = new Map(templates.map((t) => [t.name, t]));
    assert.equal(byName.get('new_arrivals')?.header?.format, 'IMAGE');
    assert.equal(byName.get('receipt_pdf')?.header?.format, 'DOCUMENT');
    assert.equal(byName.get('store_pickup')?.header?.format, 'LOCATION');
    for (const name of ['new_arrivals', 'receipt_pdf', 'store_pickup'])
      assert.equal(byName.get(name)?.unsupported, null);
  });

  it('sends an image header by link, with the body Meta documents', async () => {
    const from = newNumber();
    const id = await conversationFrom(from, 30);
    const res = await sendTemplate(id, {
      name: 'new_arrivals',
      values: { body: { '1': 'Pablo' } },
      headerMedia: { link: 'https://cdn.example.com/spring.jpg' },
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { message } = (await res.json()) as { message: { seq: number; text: string } };
    assert.equal(
      message.text,
      '[Image: https://cdn.example.com/spring.jpg]\n\nHi Pablo, the new collection is in.',
    );
    const got = await sentTo(from);
    assert.deepEqual(got.raw, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: from,
      type: 'template',
      template: {
        name: 'new_arrivals',
        language: { code: 'en_US' },
        components: [
          {
            type: 'header',
            parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/spring.jpg' } }],
          },
          { type: 'body', parameters: [{ type: 'text', text: 'Pablo' }] },
        ],
      },
    });
    await eventually(() => agent.delivery(id, message.seq)?.status === 'sent');
  });

  it("sends an agent's upload as the header by a signed link Meta can fetch, and keeps the file on the line", async () => {
    const from = newNumber();
    const id = await conversationFrom(from, 40);
    const file = await agent.upload(id, {
      bytes: PDF,
      name: 'receipt-4821.pdf',
      contentType: 'application/pdf',
    });
    const res = await sendTemplate(id, { name: 'receipt_pdf', headerMedia: { attachmentId: file.id } });
    assert.equal(res.status, 201, await res.clone().text());
    const { message } = (await res.json()) as { message: { text: string; attachments: { id: string }[] } };
    assert.equal(message.text, '[Document: receipt-4821.pdf]\n\nYour receipt is attached.');
    assert.deepEqual(
      message.attachments.map((a) => a.id),
      [file.id],
    );
    const got = await sentTo(from);
    const header = (
      got.raw.template as { components: { type: string; parameters: Record<string, unknown>[] }[] }
    ).components[0]!;
    assert.equal(header.type, 'header');
    const doc = header.parameters[0]!.document as { link: string; filename: string };
    assert.equal(doc.filename, 'receipt-4821.pdf');
    // Meta fetches the link without any of our credentials.
    const fetched = await fetch(doc.link);
    assert.equal(fetched.status, 200);
    assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), PDF);
  });

  it('sends a location header', async () => {
    const from = newNumber();
    const id = await conversationFrom(from, 26);
    const res = await sendTemplate(id, {
      name: 'store_pickup',
      headerLocation: {
        latitude: 37.483307,
        longitude: 122.148981,
        name: 'Pablo Morales Store',
        address: '1 Hacker Way',
      },
    });
    assert.equal(res.status, 201, await res.clone().text());
    const got = await sentTo(from);
    assert.deepEqual((got.raw.template as { components: unknown[] }).components, [
      {
        type: 'header',
        parameters: [
          {
            type: 'location',
            location: {
              latitude: 37.483307,
              longitude: 122.148981,
              name: 'Pablo Morales Store',
              address: '1 Hacker Way',
            },
          },
        ],
      },
    ]);
  });

  it('refuses a missing or wrong header with a clear 400, and stores nothing', async () => {
    const id = await conversationFrom(newNumber(), 28);
    const other = await conversationFrom(newNumber(), 28);
    const before = (await wa.srv.node.ctx.store.conversations.find(wa.accountId, id))!.lastSeq;
    const png = await agent.upload(id, { bytes: PNG, name: 'photo.png', contentType: 'image/png' });
    const elsewhere = await agent.upload(other, { bytes: PNG, name: 'theirs.png', contentType: 'image/png' });
    const image = { name: 'new_arrivals', values: { body: { '1': 'Pablo' } } };
    const cases: [Record<string, unknown>, string][] = [
      [image, 'template_header_missing'],
      [{ name: 'store_pickup' }, 'template_header_missing'],
      [{ ...image, headerMedia: {} }, 'invalid_request'],
      [
        { ...image, headerMedia: { link: 'https://x.example/a.jpg', attachmentId: png.id } },
        'invalid_request',
      ],
      [{ ...image, headerMedia: { link: 'javascript:alert(1)' } }, 'invalid_request'],
      [{ name: 'receipt_pdf', headerMedia: { attachmentId: png.id } }, 'invalid_attachment'],
      [{ ...image, headerMedia: { attachmentId: elsewhere.id } }, 'invalid_attachment'],
      [{ ...image, headerMedia: { attachmentId: 'att_nosuchone' } }, 'invalid_attachment'],
      [{ ...image, headerLocation: { latitude: 91, longitude: 0 } }, 'invalid_request'],
      [
        {
          name: 'order_update',
          values: { header: { '1': '#1' }, body: { '1': 'a', '2': 'b', '3': 'c' } },
          headerMedia: { link: 'https://x.example/a.jpg' },
        },
        'template_header_unexpected',
      ],
    ];
    for (const [body, code] of cases) {
      const res = await sendTemplate(id, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = ((await res.json()) as { error: { code: string; message: string } }).error;
      if (code !== 'invalid_request') assert.equal(err.code, code, JSON.stringify(body));
      assert.ok(err.message);
    }
    assert.equal((await wa.srv.node.ctx.store.conversations.find(wa.accountId, id))!.lastSeq, before);
  });
});
