import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { MAX_MESSAGE_LENGTH } from '@beckon/protocol/chat-api';
import { emailOf } from '../src/channels/email/email-feature.ts';
import { ApiClient } from './helpers/api-client.ts';
import { type SmtpSink, sendMail, startSmtpSink } from './helpers/smtp-sink.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

/**
 * Mail as real clients send it: each `fixtures/mail/<name>.eml` goes through the SMTP listener
 * (nodemailer as the client) and through the inbound webhook, and gives the line, files and thread
 * that `fixtures/mail/expected.json` names. A reply fixture names the agent's reply it answers with
 * `{{SENT_ID}}` (its Message-ID) and `{{REPLY_TO}}` (the conversation's reply address).
 */
interface Expected {
  /** The conversation's topic: the fixture starts a thread. */
  subject?: string;
  /** The fixture whose conversation this one joins. */
  thread?: string;
  from: string;
  name?: string;
  text: string;
  attachments: Array<[string, string, number]>;
}

const dir = new URL('./fixtures/mail/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Record<string, Expected>;
const fixture = (name: string) => readFileSync(new URL(`${name}.eml`, dir), 'utf8');
const MAIN = 'support@demo.beckon.local';

for (const via of ['smtp', 'webhook'] as const) {
  describe(`real clients' mail through the ${via === 'smtp' ? 'SMTP listener' : 'inbound webhook'}`, () => {
    let srv: TestServer;
    let sink: SmtpSink;
    let admin: ApiClient;
    let accountId: string;
    let inbound: { user: string; secret: string };
    const store = () => srv.node.ctx.store;
    /** The agent's reply in a fixture's conversation: what a reply fixture answers. */
    const sent = new Map<string, { messageId: string; replyTo: string }>();
    const conversations = new Map<string, string>();

    before(async () => {
      sink = await startSmtpSink();
      srv = await startTestServer({
        demo: true,
        env: {
          BECKON_SMTP_PORT: via === 'smtp' ? '0' : '',
          BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
          BECKON_EMAIL_FROM: 'Demo Store <support@demo.beckon.local>',
          BECKON_SMTP_URL: sink.url,
          BECKON_EMAIL_MAX_BYTES: String(8 * 1024 * 1024),
        },
      });
      accountId = srv.demo!.accountId;
      admin = new ApiClient(srv.node.app);
      assert.equal((await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password)).status, 200);
      inbound = (await admin.get('/api/v1/channels/email')).body.inbound;
    });
    after(async () => {
      await srv?.close();
      await sink?.close();
    });

    /** Delivers raw bytes to `to` by this path; resolves once the mail is stored. */
    const deliver = async (raw: string, from: string, to: string) => {
      if (via === 'smtp') {
        const r = await sendMail(emailOf(srv.node.ctx).smtpPort!, { envelope: { from, to: [to] }, raw });
        assert.match(r.response, /^250 /);
        return;
      }
      const res = await srv.node.app.inject({
        method: 'POST',
        url: '/api/v1/channels/email/inbound',
        headers: {
          'content-type': 'message/rfc822',
          authorization: `Basic ${Buffer.from(`${inbound.user}:${inbound.secret}`).toString('base64')}`,
        },
        payload: raw,
      });
      assert.equal(res.statusCode, 200, res.body);
    };

    /** The line stored for a Message-ID, with its conversation. */
    const lineOf = async (messageId: string) => {
      const row = await store()
        .db.selectFrom('channel_messages')
        .select(['conversation_id', 'seq'])
        .where('account_id', '=', accountId)
        .where('external_id', '=', messageId)
        .executeTakeFirstOrThrow();
      const lines = await store().messages.after(accountId, row.conversation_id, 0);
      return { conversationId: row.conversation_id, line: lines.find((m) => m.seq === row.seq)! };
    };

    /** An agent's reply in `name`'s conversation, sent once: its Message-ID and reply address. */
    const agentReply = async (name: string) => {
      const known = sent.get(name);
      if (known) return known;
      const conversationId = conversations.get(name)!;
      const conversation = await store().conversations.get(accountId, conversationId);
      const contact = await store().contacts.get(accountId, conversation.contactId!);
      const result = await emailOf(srv.node.ctx).channel.send({
        accountId,
        conversationId,
        seq: 100,
        channel: 'email',
        contact,
        text: 'It left our warehouse today.',
        attachments: [],
        idempotencyKey: `${conversationId}:agent`,
        senderName: 'Sales Agent',
      });
      const mail = sink.mails.at(-1)!;
      const reply = { messageId: result.providerId!, replyTo: mail.parsed.replyTo!.value[0]!.address! };
      sent.set(name, reply);
      return reply;
    };

    for (const [name, want] of Object.entries(expected)) {
      it(`${name}: its text, files and thread`, async () => {
        let raw = fixture(name);
        let to = MAIN;
        if (want.thread && /\{\{(SENT_ID|REPLY_TO)\}\}/.test(raw)) {
          const reply = await agentReply(want.thread);
          if (raw.includes('{{REPLY_TO}}')) to = reply.replyTo;
          raw = raw.replaceAll('{{SENT_ID}}', reply.messageId).replaceAll('{{REPLY_TO}}', reply.replyTo);
        }
        // Files keep LF for reading; on the wire every line ends in CRLF.
        raw = raw.replace(/\r?\n/g, '\r\n');
        await deliver(raw, want.from, to);
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)![1]!;
        const { conversationId, line } = await lineOf(messageId);
        conversations.set(name, conversationId);

        assert.equal(line.text, want.text);
        assert.ok(line.text.length <= MAX_MESSAGE_LENGTH);
        assert.deepEqual(
          line.attachments.map((a) => [a.name, a.contentType, a.size]),
          want.attachments,
        );
        const conversation = await store().conversations.get(accountId, conversationId);
        if (want.thread) {
          assert.equal(conversationId, conversations.get(want.thread), `${name} joins ${want.thread}`);
        } else {
          const others = [...conversations].filter(([n, id]) => n !== name && id === conversationId);
          assert.deepEqual(others, [], `${name} starts a conversation of its own`);
          assert.equal(conversation.topic, want.subject);
          assert.equal(conversation.channel, 'email');
        }
        const [contact] = await store().contacts.search(accountId, want.from, 1);
        assert.equal(contact?.email, want.from);
        if (want.name) assert.equal(contact?.name, want.name);
      });
    }

    if (via !== 'smtp') return;

    it('a subject never carries a line break: not into the store, nor into a reply’s headers', async () => {
      const conversationId = conversations.get('subject-crlf')!;
      assert.ok(conversationId);
      await agentReply('subject-crlf');
      const mail = sink.mails.at(-1)!;
      assert.equal(mail.parsed.subject, 'Re: Refund please Bcc: victim@example.com and more tabs');
      const head = mail.raw.toString('utf8').split('\r\n\r\n')[0]!;
      assert.doesNotMatch(head, /^Bcc:/im, 'no header was injected');
      assert.deepEqual(mail.to, ['nils@berg.example']);
    });

    it('HTML is shown as text without its scripts, hidden parts or unsafe links', async () => {
      const { line } = await lineOf('<e3b0c442-98fc-1c14-9afb-f4c8996fb924@berger-shop.example>');
      for (const hidden of [
        'document',
        'evil',
        'javascript',
        'Preview text',
        'Internal title',
        'tracker',
        'cid:',
      ])
        assert.ok(!line.text.includes(hidden), `"${hidden}" is not shown`);
    });

    it('a very large HTML body is cut to a line, quickly; deeply nested HTML is not read', async () => {
      const paragraph = `<div><p style="margin:0">${'A long report line with <b>bold</b> words. '.repeat(20)}</p></div>\n`;
      const big = paragraph.repeat(Math.ceil((3 * 1024 * 1024) / paragraph.length));
      const mail = (id: string, html: string) =>
        [
          'From: Ola <ola@example.com>',
          `To: ${MAIN}`,
          'Subject: Big report',
          `Message-ID: <${id}@example.com>`,
          'MIME-Version: 1.0',
          'Content-Type: text/html; charset=utf-8',
          'Content-Transfer-Encoding: 8bit',
          '',
          html,
          '',
        ].join('\r\n');
      await deliver(mail('big-html', big), 'ola@example.com', MAIN);
      const { line } = await lineOf('<big-html@example.com>');
      assert.ok(line.text.length <= MAX_MESSAGE_LENGTH);
      assert.match(line.text, /^A long report line with bold words\./);
      assert.match(line.text, /… \[the rest is in the original mail\]$/);

      await deliver(mail('deep-html', `${'<div>'.repeat(50_000)}deep`), 'ola@example.com', MAIN);
      const deep = await lineOf('<deep-html@example.com>');
      assert.equal(deep.line.text, '[the text of this mail could not be read; it is in the original mail]');
    });
  });
}
