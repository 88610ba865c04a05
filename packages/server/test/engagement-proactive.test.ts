import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isControl } from '@beckon/core';
import type { CampaignInput } from '@beckon/protocol';
import { identifyEvent, pageView } from '@beckon/sdk/index';
import { channelsOf } from '../src/channels/channels-feature.ts';
import { eventually, flush, metric, newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const SUBJECT = 'Questions about our plans?';
const TEXT = 'We saw you on the pricing page. Reply to this mail and a person will answer.';

describe('proactive messages: a campaign that mails identified visitors', () => {
  let srv: TestServer;
  let sink: SmtpSink;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let campaignId: string;
  const store = () => srv.node.ctx.store;
  const origin = () => new URL(srv.url).origin;
  let n = 0;
  /** A visitor id on the given side of the campaign's control split. */
  const visitorIn = (control: boolean) => {
    for (;;) {
      const id = `pv-${++n}`;
      if (isControl(id, campaignId, 0.5) === control) return id;
    }
  };
  /** A contact with this address, linked to the visitor (what identify or a pre-chat form does). */
  const contactFor = async (visitorId: string, email: string) => {
    const c = await store().contacts.resolve(t.accountId, { email, name: 'Pat Doe' });
    await store().contacts.linkVisitor(t.accountId, t.site.id, visitorId, c.id);
    return c;
  };
  const onPricing = async (visitorId: string) => {
    const v = await visitor(srv, t.site.siteKey, visitorId, { url: `${origin()}/pricing` });
    await v.sendBatch([pageView(`${origin()}/pricing`, ['pricing'])]);
    return v;
  };
  const mails = async (contactId: string) =>
    (await store().conversations.search(t.accountId, { contactId, channel: 'email' })).items;
  /** Waits until the node stored (or dropped) every message it decided on. */
  const settled = async () => {
    await runtime(srv).proactive.idle();
    await flush(srv);
  };
  const exposuresOf = async (visitorId: string) =>
    (await store().exposures.forVisitor(t.accountId, t.site.id, visitorId)).filter(
      (e) => e.campaignId === campaignId,
    );

  before(async () => {
    sink = await startSmtpSink();
    srv = await startTestServer({
      env: { BECKON_SMTP_URL: sink.url, BECKON_EMAIL_DOMAIN: 'shop.example', BECKON_OUTBOX_POLL_MS: '50' },
    });
    t = await newTenant(srv);
    await t.api.post('/api/v1/skills', { name: 'Sales' });
    const body: CampaignInput = {
      name: 'Pricing follow-up',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: { field: 'page.section', op: 'contains', value: 'pricing' },
      frequency: { perVisitorPerDay: 1 },
      controlShare: 0.5,
      engagement: { type: 'message', subject: SUBJECT, text: TEXT, channel: 'auto' },
    };
    const res = await t.api.post('/api/v1/campaigns', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.engagement, body.engagement);
    campaignId = res.body.id;
  });
  after(async () => {
    await srv.close();
    await sink.close();
  });

  it('refuses a message without a subject, or with an unknown channel, naming the field', async () => {
    const bad = (engagement: unknown) =>
      t.api.post('/api/v1/campaigns', {
        name: 'Bad',
        status: 'draft',
        goal: { type: 'purchase' },
        targeting: { all: [] },
        engagement,
      });
    const noSubject = await bad({ type: 'message', subject: '', text: 'Hi', channel: 'email' });
    assert.equal(noSubject.status, 400);
    assert.equal(noSubject.body.error.code, 'invalid_campaign');
    assert.match(noSubject.body.error.message, /\/engagement\/subject/);
    const fax = await bad({ type: 'message', subject: 'Hi', text: 'Hi', channel: 'fax' });
    assert.equal(fax.status, 400);
    assert.match(fax.body.error.message, /\/engagement\/channel/);
  });

  it('an identified visitor gets a resolved e-mail conversation holding the message; the exposure is shown', async () => {
    const id = visitorIn(false);
    const contact = await contactFor(id, 'pat@example.com');
    const v = await onPricing(id);
    const conv = await eventually(() => mails(contact.id).then((m) => m[0]));
    assert.equal(conv.state, 'resolved', 'no agent queue fills with unanswered campaign mail');
    assert.equal(conv.topic, SUBJECT);
    assert.equal(conv.visitorEmail, 'pat@example.com');
    const lines = await store().messages.after(t.accountId, conv.id, 0);
    assert.deepEqual(
      lines.map((m) => [m.senderKind, m.text]),
      [['invitation', TEXT]],
    );
    await settled();
    const [exposure] = await exposuresOf(id);
    assert.equal(exposure!.control, false);
    assert.equal(exposure!.engagementType, 'message');
    assert.equal(exposure!.outcome, 'shown');
    assert.equal(await metric(srv, 'beckon_proactive_messages_total', { result: 'email' }), 1);
    // It leaves through the outbox: one mail with the campaign's subject and words.
    const mail = await eventually(() => sink.mails.find((m) => m.to.includes('pat@example.com')));
    assert.equal(mail!.parsed.subject, SUBJECT);
    assert.match(mail!.parsed.text ?? '', /We saw you on the pricing page/);
    assert.match(mail!.parsed.replyTo?.value[0]?.address ?? '', /^reply\+[0-9a-z]{20}@shop\.example$/);
    // It can be stopped: a link opens a page with a button (a scanner following it changes nothing),
    // and the button, or a mail client's one-click unsubscribe, opts the contact out.
    assert.match(mail!.raw.toString(), /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const stop = /Stop e-mail from [^:]+: (\S+)/.exec(mail!.parsed.text ?? '')?.[1];
    assert.ok(stop, 'an unsubscribe link in the mail');
    const path = stop!.slice(stop!.indexOf('/email/unsubscribe'));
    const shown = await srv.node.app.inject({ method: 'GET', url: path });
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /<form method="post"><button type="submit">Unsubscribe<\/button>/);
    assert.equal((await store().contacts.get(t.accountId, contact.id)).emailOptOut, false);
    const forged = await srv.node.app.inject({ method: 'POST', url: path.replace(/t=[^&]+/, 't=abc') });
    assert.equal(forged.statusCode, 404);
    const done = await srv.node.app.inject({ method: 'POST', url: path });
    assert.equal(done.statusCode, 200);
    assert.equal((await store().contacts.get(t.accountId, contact.id)).emailOptOut, true);

    // The per-day cap: a second visit to pricing the same day sends nothing more.
    await v.sendBatch([pageView(`${origin()}/`, ['home'])]);
    await v.sendBatch([pageView(`${origin()}/pricing`, ['pricing'])]);
    await settled();
    assert.equal((await exposuresOf(id)).length, 1);
    assert.equal((await mails(contact.id)).length, 1);
    assert.equal(sink.mails.filter((m) => m.to.includes('pat@example.com')).length, 1, 'mailed once');
    await v.close();
  });

  it('a control visitor is recorded as held out, and nothing is stored for them', async () => {
    const id = visitorIn(true);
    const contact = await contactFor(id, 'held.out@example.com');
    const v = await onPricing(id);
    await eventually(async () => {
      await flush(srv);
      return (await exposuresOf(id)).length === 1;
    });
    await settled();
    const [exposure] = await exposuresOf(id);
    assert.equal(exposure!.control, true);
    assert.equal(exposure!.outcome, null);
    assert.deepEqual(await mails(contact.id), []);
    await v.close();
  });

  it('an anonymous visitor never qualifies; one who identifies during the visit does then', async () => {
    const id = visitorIn(false);
    const v = await onPricing(id);
    await v.sendBatch([pageView(`${origin()}/pricing?plan=pro`, ['pricing'])]);
    await settled();
    assert.deepEqual(await exposuresOf(id), []);

    // The tag's identify makes them a contact, and the campaign fires then.
    await v.sendBatch([identifyEvent({ email: 'late@example.com' })]);
    const contact = (await eventually(() => store().contacts.ofVisitor(t.accountId, t.site.id, id)))!;
    await eventually(() => mails(contact.id).then((m) => m.length === 1));
    await settled();
    assert.equal((await exposuresOf(id))[0]?.outcome, 'shown');
    await v.close();
  });

  it('a contact with an app conversation gets the message there, even when it was resolved; an answer accepts it', async () => {
    const id = visitorIn(false);
    const contact = await contactFor(id, 'app.user@example.com');
    const app = await store().conversations.create({
      accountId: t.accountId,
      siteId: t.site.id,
      visitorId: null,
      channel: 'app',
      source: 'api',
      skillId: null,
      status: 'closed',
      closedBy: 'agent',
      contactId: contact.id,
      tokenHash: 'app-token-hash',
    });
    const v = await onPricing(id);
    await eventually(async () => (await store().messages.after(t.accountId, app.id, 0)).length > 0);
    const lines = await store().messages.after(t.accountId, app.id, 0);
    assert.deepEqual(
      lines.map((m) => [m.senderKind, m.text]),
      [['invitation', TEXT]],
    );
    assert.equal((await store().conversations.get(t.accountId, app.id)).state, 'resolved');
    assert.deepEqual(await mails(contact.id), [], 'no mail when the app reaches them');
    await settled();
    assert.equal((await exposuresOf(id))[0]?.outcome, 'shown');

    await channelsOf(srv.node.ctx).inbox.receive({
      channel: 'app',
      accountId: t.accountId,
      siteId: t.site.id,
      from: { email: 'app.user@example.com' },
      threadConversationId: app.id,
      externalId: 'app-msg-1',
      text: 'Thanks, tell me more.',
    });
    assert.equal((await exposuresOf(id))[0]?.outcome, 'accepted');
    await v.close();
  });

  it('a contact who opted out of e-mail gets nothing; the exposure is ignored and the metric says why', async () => {
    const id = visitorIn(false);
    const contact = await contactFor(id, 'no.mail@example.com');
    await store().db.updateTable('contacts').set({ email_opt_out: 1 }).where('id', '=', contact.id).execute();
    const before = await metric(srv, 'beckon_proactive_messages_total', { result: 'opted_out' });
    const v = await onPricing(id);
    await eventually(async () => {
      await settled();
      return (await exposuresOf(id))[0]?.outcome === 'ignored';
    });
    assert.deepEqual(await mails(contact.id), []);
    assert.equal(await metric(srv, 'beckon_proactive_messages_total', { result: 'opted_out' }), before + 1);
    await v.close();
  });

  it('the customer answering the mail reopens the conversation and accepts the exposure; the funnel counts it', async () => {
    const id = visitorIn(false);
    const contact = await contactFor(id, 'answers@example.com');
    const v = await onPricing(id);
    const conv = await eventually(() => mails(contact.id).then((m) => m[0]));
    await settled();
    const r = await channelsOf(srv.node.ctx).inbox.receive({
      channel: 'email',
      accountId: t.accountId,
      siteId: t.site.id,
      from: { email: 'answers@example.com' },
      threadConversationId: conv.id,
      externalId: '<reply-1@example.com>',
      text: 'Yes: does the team plan include SSO?',
    });
    assert.equal(r.conversation.id, conv.id);
    assert.equal(r.conversation.state, 'open');
    assert.equal(r.conversation.status, 'queued', 'the answer goes to an agent queue');
    assert.equal((await exposuresOf(id))[0]?.outcome, 'accepted');
    await v.close();

    const day = new Date().toISOString().slice(0, 10);
    const funnel = await t.api.get(`/api/v1/reports/funnel?from=${day}&to=${day}&campaignId=${campaignId}`);
    assert.equal(funnel.status, 200, JSON.stringify(funnel.body));
    const stage = (name: string) =>
      funnel.body.stages.find((s: { stage: string }) => s.stage === name).visitors as number;
    // Treated: the first visitor, the one identified late, the app user, the opted-out one and this
    // one; held out: one. Engaged: the app user and this one answered.
    assert.equal(stage('qualified'), 6);
    assert.equal(stage('exposed'), 5);
    assert.equal(stage('engaged'), 2);
    // Of the mails sent, only the answered one is a conversation (the app one has no visitor).
    assert.equal(stage('conversation'), 1);
  });
});
