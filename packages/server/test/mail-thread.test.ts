import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { ChannelSendError } from '../src/channels/channel.ts';
import { MailThread } from '../src/channels/email/mail-thread.ts';
import { type BrokenSmtp, startBrokenSmtp } from './helpers/broken-providers.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('the send succeeded'),
    (e: unknown) => {
      assert.ok(e instanceof ChannelSendError, String(e));
      return e;
    },
  );

/** The thread of a `MailThread`, while it runs. */
const threadOf = (m: MailThread) => (m as unknown as { thread: { worker: Worker | null } }).thread.worker;

/**
 * Outgoing mail composed and sent on a thread of its own: what reaches the relay is the mail as
 * asked for, and a refusal or a broken connection comes back as the same error the outbox reads.
 */
describe('the mail thread', () => {
  let relay: SmtpSink;
  let mails: MailThread;
  before(async () => {
    relay = await startSmtpSink();
    mails = new MailThread(relay.url);
    await mails.started();
  });
  after(async () => {
    mails?.close();
    await relay?.close();
  });

  it('sends a broadcast mail whole: text, HTML, an attachment and the one-click unsubscribe headers', async () => {
    const stop = 'https://beckon.example/u/abc';
    await mails.send({
      from: { name: 'Ann (Shop)', address: 'news@shop.example' },
      to: 'bob@example.com',
      subject: 'Frühlingspreise',
      messageId: '<b1.c1@shop.example>',
      text: 'Spring prices are in.',
      html: '<p>Spring prices are <b>in</b>.</p>',
      headers: { 'List-Unsubscribe': `<${stop}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      attachments: [
        { filename: 'prices.txt', contentType: 'text/plain', content: Buffer.from('tea 3.50\n') },
      ],
    });
    const m = relay.mails.at(-1)!;
    assert.deepEqual(m.to, ['bob@example.com']);
    assert.equal(m.parsed.subject, 'Frühlingspreise');
    assert.equal(m.parsed.messageId, '<b1.c1@shop.example>');
    assert.equal(m.parsed.from?.value[0]?.name, 'Ann (Shop)');
    assert.equal(m.parsed.text?.trim(), 'Spring prices are in.');
    assert.match(String(m.parsed.html), /<b>in<\/b>/);
    const raw = m.raw.toString();
    assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    assert.match(raw, /^List-Unsubscribe: <https:\/\/beckon\.example\/u\/abc>\r$/m);
    assert.equal(m.parsed.attachments[0]?.content.toString(), 'tea 3.50\n');
  });

  it('many mails at once each arrive once', async () => {
    const before = relay.mails.length;
    const to = Array.from({ length: 30 }, (_, i) => `c${i}@example.com`);
    await Promise.all(
      to.map((t) => mails.send({ from: 'news@shop.example', to: t, subject: 'Hi', text: t })),
    );
    const got = relay.mails.slice(before).map((m) => m.to[0]);
    assert.deepEqual(got.sort(), to.sort());
  });

  it("a relay's refusal comes back with its reply, not worth another try", async () => {
    relay.failNext(550, 'mailbox unavailable');
    const err = await failure(
      mails.send({ from: 'news@shop.example', to: 'gone@example.com', subject: 'Hi', text: 'x' }),
    );
    assert.equal(err.retryable, false);
    assert.equal(err.mayHaveArrived, false);
    assert.match(err.reason, /refused the mail: 550 mailbox unavailable/);
  });

  it('a relay that is down: worth another try, certainly not sent', async () => {
    const down = new MailThread('smtp://127.0.0.1:1');
    try {
      await down.started();
      const err = await failure(
        down.send({ from: 'a@shop.example', to: 'b@example.com', subject: 'Hi', text: 'x' }),
      );
      assert.equal(err.retryable, true);
      assert.equal(err.mayHaveArrived, false);
      assert.match(err.reason, /could not be reached/);
    } finally {
      down.close();
    }
  });

  it('no relay set up: refused at once, without a thread', async () => {
    const none = new MailThread(null);
    assert.equal(none.configured, false);
    const err = await failure(
      none.send({ from: 'a@shop.example', to: 'b@example.com', subject: 'Hi', text: 'x' }),
    );
    assert.equal(err.retryable, false);
    assert.equal(threadOf(none), null);
  });

  it('closes its connections and its thread ends', async () => {
    const own = new MailThread(relay.url);
    // The first mail leaves from this thread while the mail thread starts; the next from there.
    await own.send({ from: 'a@shop.example', to: 'first@example.com', subject: 'Hi', text: 'x' });
    await own.started();
    await own.send({ from: 'a@shop.example', to: 'end@example.com', subject: 'Hi', text: 'x' });
    const thread = threadOf(own)!;
    const ended = new Promise<number>((resolve) => thread.once('exit', resolve));
    own.close();
    assert.equal(await ended, 0);
    await failure(own.send({ from: 'a@shop.example', to: 'late@example.com', subject: 'Hi', text: 'x' }));
  });
});

describe('a mail thread that stops with a mail in hand', () => {
  let relay: BrokenSmtp;
  before(async () => {
    relay = await startBrokenSmtp('after-dot');
  });
  after(() => relay?.close());

  it('a connection lost after the closing dot: may have arrived, as on the socket thread', async () => {
    const mails = new MailThread(relay.url);
    try {
      await mails.started();
      const err = await failure(
        mails.send({ from: 'a@shop.example', to: 'ann@example.com', subject: 'Hi', text: 'Spring.' }),
      );
      assert.equal(err.retryable, true);
      assert.equal(err.mayHaveArrived, true);
    } finally {
      mails.close();
    }
  });

  it('the thread gone mid-send: the mail may have arrived; the next mail starts another thread', async () => {
    const sink = await startSmtpSink();
    const mails = new MailThread(sink.url);
    try {
      await mails.started();
      sink.answerAfter(5000);
      const sending = failure(
        mails.send({ from: 'a@shop.example', to: 'ann@example.com', subject: 'Hi', text: 'x' }),
      );
      // The mail's data is at the relay, its answer not yet back.
      while (sink.connections() === 0) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200));
      await threadOf(mails)!.terminate();
      const err = await sending;
      assert.equal(err.retryable, true);
      assert.equal(err.mayHaveArrived, true);
      assert.match(err.reason, /mail thread/);
      sink.answerAfter(0);
      await mails.send({ from: 'a@shop.example', to: 'bob@example.com', subject: 'Hi', text: 'again' });
      assert.equal(sink.mails.at(-1)?.to[0], 'bob@example.com');
    } finally {
      mails.close();
      await sink.close();
    }
  });
});
