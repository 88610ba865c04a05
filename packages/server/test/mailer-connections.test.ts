import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Mailer } from '../src/channels/email/mailer.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';

const mail = (to: string) => ({
  from: 'shop@example.com',
  to,
  subject: 'Spring prices',
  text: `Spring prices are in, ${to}.`,
});

/**
 * Mails one after another (a broadcast's) leave over one connection to the relay, kept open a
 * moment for the next, rather than a connection, a greeting and a QUIT each.
 */
describe('the connections a mailer opens to its relay', () => {
  let relay: SmtpSink;
  let mailer: Mailer;
  before(async () => {
    relay = await startSmtpSink();
    mailer = new Mailer(relay.url);
  });
  after(async () => {
    mailer?.close();
    await relay?.close();
  });

  it('sends three mails one after another over one connection', async () => {
    for (const to of ['ann@example.com', 'bob@example.com', 'cem@example.com']) await mailer.send(mail(to));
    assert.deepEqual(
      relay.mails.map((m) => m.to),
      [['ann@example.com'], ['bob@example.com'], ['cem@example.com']],
    );
    assert.match(relay.mails[2]!.parsed.text ?? '', /cem@example\.com/);
    assert.equal(relay.connections(), 1);
  });

  it('sends over a new connection once the relay closed the one kept open', async () => {
    const before = relay.connections();
    relay.hangUp();
    await mailer.send(mail('dia@example.com'));
    assert.equal(relay.mails.at(-1)?.to[0], 'dia@example.com');
    assert.equal(relay.connections(), before + 1);
  });

  it('sends several mails at once over as many connections, then reuses them', async () => {
    const before = relay.connections();
    const batch = (n: number, tag: string) =>
      Promise.all(Array.from({ length: n }, (_, i) => mailer.send(mail(`${tag}${i}@example.com`))));
    await batch(3, 'first');
    const opened = relay.connections() - before;
    assert.ok(opened >= 1 && opened <= 3, `${opened} connections for 3 mails at once`);
    await batch(3, 'second');
    assert.equal(relay.connections() - before, opened, 'the second three reused them');
    assert.equal(relay.mails.length, 10);
  });
});
