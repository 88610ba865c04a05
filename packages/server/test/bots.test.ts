import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BotServerFrame } from '@beckon/protocol/bots-api';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { Webhook } from 'standardwebhooks';
import WebSocket from 'ws';
import { HANDOFF_LINE } from '../src/bots/bot-engine.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';

const ENV = { BECKON_WEBHOOKS_ALLOW_PRIVATE: '1' };

/** A small, real-looking help centre. */
const ARTICLES = [
  {
    title: 'Returns and refunds',
    body:
      'You can return any item within 30 days of delivery for a full refund. Start a return from ' +
      'Your orders, print the prepaid label, and drop the parcel at any post office. Refunds reach ' +
      'your card within 5 business days after we receive the item.',
    tags: ['returns', 'refund'],
    url: 'https://help.example.com/returns',
  },
  {
    title: 'Shipping times and costs',
    body:
      'Standard shipping takes 3 to 5 business days and is free on orders over 50 euros. Express ' +
      'shipping arrives the next business day when you order before 2 pm.',
    tags: ['shipping', 'delivery'],
  },
  {
    title: 'Changing your password',
    body:
      'Open Account settings, choose Security, then Change password. We send a confirmation e-mail ' +
      'to the address on your account.',
    tags: ['account', 'password'],
  },
];

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`agent bots on ${kind}`, () => {
    let srv: TestServer;
    let rx: WebhookReceiver;
    /** An integrator's endpoint subscribed to the bot events. */
    let events: WebhookReceiver;
    let eventsSecret: string;
    let support: AgentChatClient;
    let skillId: string;
    const api = async (method: string, path: string, body?: unknown, email = 'admin@demo.beckon.local') => {
      const client = new ApiClient(srv.node.app);
      Object.assign(client, await cookieFor(srv, email));
      return client.request(method, path, body);
    };
    const asBot = (token: string) => {
      const client = new ApiClient(srv.node.app);
      client.bearer = token;
      return client;
    };
    const makeBot = async (body: Record<string, unknown>) => {
      const r = await api('POST', '/api/v1/bots', body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const s = await api('PATCH', `/api/v1/skills/${skillId}`, { botId: r.body.bot.id });
      assert.equal(s.status, 200, JSON.stringify(s.body));
      return r.body as { bot: { id: string; name: string }; token: string; secret: string };
    };
    const ask = (text: string) => startVisitor(srv, { name: 'Ada', skillId, text });

    before(async () => {
      srv = await startTestServer({ demo: true, env: ENV, store: kind });
      skillId = srv.demo!.skillIds.support;
      rx = await WebhookReceiver.start();
      events = await WebhookReceiver.start();
      const hook = await api('POST', '/api/v1/webhooks', {
        url: events.url,
        events: ['bot.handoff', 'bot.resolved'],
      });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      eventsSecret = hook.body.secret;
      for (const a of ARTICLES) {
        const r = await api('POST', '/api/v1/knowledge/articles', a);
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      support = await connectAgent(srv, 'support@demo.beckon.local');
    });
    after(async () => {
      await support?.disconnect();
      await rx?.close();
      await events?.close();
      await srv?.close();
    });

    it('the answer bot answers with the article, and "No" hands over to a person who sees the bot turns', async () => {
      const bot = await makeBot({ name: 'Help Bot', kind: 'answer', threshold: 0.5 });
      const visitor = await ask('How do I return an item for a refund?');
      const answer = await visitor.waitForMessage((m) => m.senderKind === 'bot');
      assert.equal(answer.senderName, 'Help Bot');
      assert.equal(answer.rich?.card?.title, 'Returns and refunds');
      assert.equal(answer.rich?.card?.url, 'https://help.example.com/returns');
      assert.match(answer.rich?.card?.text ?? '', /return any item within 30 days/);
      assert.deepEqual(
        answer.rich?.quickReplies?.map((q) => q.title),
        ['Yes, thanks', 'No'],
      );
      // Nobody was offered the conversation while the bot held it.
      const id = visitor.conversation.id;
      assert.equal(support.offers.has(id), false);

      await visitor.send('No');
      await visitor.waitForMessage((m) => m.senderKind === 'system' && m.text === HANDOFF_LINE);
      await eventually(() => support.offers.has(id), 5000, 'the offer after the handoff');
      await support.accept(id);
      await support.watch(id);
      const note = await support.waitForMessage(id, (m) => m.senderKind === 'note');
      assert.match(
        note.text,
        /Help Bot handed over: The visitor said the article “Returns and refunds” did not help/,
      );
      const botLine = await support.waitForMessage(id, (m) => m.senderKind === 'bot');
      assert.equal(botLine.senderId, bot.bot.id);
      await support.send(id, 'Hi Ada, I can help with the return.');
      await visitor.waitForMessage((m) => m.senderKind === 'agent');
      // The visitor never sees the note.
      assert.equal(
        visitor.messages.some((m) => (m.senderKind as string) === 'note'),
        false,
      );
      const c = await api('GET', `/api/v1/conversations/${id}`);
      assert.equal(c.body.conversation.firstBotId, bot.bot.id);
      assert.ok(c.body.conversation.handoffAt);
      await support.close(id);
      await visitor.close();
    });

    it('"Yes" resolves the conversation as the bot’s; a question below the threshold goes to people', async () => {
      const helped = await ask('What does express shipping cost and how fast is delivery?');
      const answer = await helped.waitForMessage((m) => m.senderKind === 'bot');
      assert.equal(answer.rich?.card?.title, 'Shipping times and costs');
      await helped.send('Yes, thanks');
      await helped.waitForConversation((c) => c.status === 'closed');
      helped.csat(5);
      await helped.waitForConversation((c) => c.csatScore === 5);
      await helped.close();

      const unknown = await ask('Can I pay with cryptocurrency at your Lisbon store?');
      await unknown.waitForMessage((m) => m.senderKind === 'system' && m.text === HANDOFF_LINE);
      const id = unknown.conversation.id;
      await eventually(() => support.offers.has(id), 5000, 'the offer');
      await support.accept(id);
      await support.watch(id);
      const note = await support.waitForMessage(id, (m) => m.senderKind === 'note');
      assert.match(note.text, /No article answered “Can I pay with cryptocurrency at your Lisbon store\?”/);
      await support.close(id);
      await unknown.close();
    });

    it('the search preview says whether the bot would answer, and follows article edits', async () => {
      const yes = await api('GET', '/api/v1/knowledge/search?q=change%20my%20password');
      assert.equal(yes.status, 200);
      assert.equal(yes.body.answers, true);
      assert.equal(yes.body.matches[0].article.title, 'Changing your password');
      const no = await api('GET', '/api/v1/knowledge/search?q=gift%20wrapping');
      assert.equal(no.body.answers, false);

      const list = await api('GET', '/api/v1/knowledge/articles');
      const shipping = list.body.items.find((a: { title: string }) => a.title.startsWith('Shipping'));
      const edit = await api('PATCH', `/api/v1/knowledge/articles/${shipping.id}`, {
        body: `${shipping.body} Every order can be gift wrapping for 3 euros.`,
      });
      assert.equal(edit.status, 200);
      const now = await api('GET', '/api/v1/knowledge/search?q=gift%20wrapping');
      assert.equal(now.body.answers, true);
      assert.equal(now.body.matches[0].article.id, shipping.id);
    });

    it('a webhook bot is posted signed lines with context; it answers in the response or by the bot API', async () => {
      const bot = await makeBot({ name: 'Order Bot', kind: 'webhook', url: rx.url });
      rx.handler = (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          rx.received.push({ headers: req.headers, body, answered: 200 });
          const post = JSON.parse(body);
          const answer =
            post.message.text === 'where is my order?'
              ? { replies: [{ text: 'Which order?', quickReplies: [{ title: 'The last one' }] }] }
              : {};
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        });
        return true;
      };
      const visitor = await ask('where is my order?');
      const first = await visitor.waitForMessage((m) => m.senderKind === 'bot');
      assert.equal(first.text, 'Which order?');
      assert.equal(first.rich?.quickReplies?.[0]?.title, 'The last one');
      const post = rx.received.at(-1)!;
      // The maintained Standard Webhooks verifier accepts the bot's post.
      const verified = new Webhook(bot.secret).verify(post.body, post.headers as Record<string, string>) as {
        context: { visitor: { name: string }; messages: unknown[] };
        replyUrl: string;
      };
      assert.equal(verified.context.visitor.name, 'Ada');
      assert.ok(verified.replyUrl.endsWith(`/api/v1/bot/conversations/${visitor.conversation.id}`));

      // The bot answers later through the bot API with its token.
      await visitor.send('The last one');
      await eventually(() => rx.received.length >= 2, 5000, 'the second post');
      const id = visitor.conversation.id;
      const ctx = await asBot(bot.token).request('GET', `/api/v1/bot/conversations/${id}/context`);
      assert.equal(ctx.status, 200);
      assert.equal(ctx.body.visitor.name, 'Ada');
      const sent = await asBot(bot.token).request('POST', `/api/v1/bot/conversations/${id}/messages`, {
        text: 'Order 1042 ships today.',
        card: { title: 'Order 1042', text: '2 items, 48.00 EUR' },
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const later = await visitor.waitForMessage((m) => m.text === 'Order 1042 ships today.');
      assert.equal(later.rich?.card?.title, 'Order 1042');

      const sales = srv.demo!.skillIds.sales;
      const handed = await asBot(bot.token).request('POST', `/api/v1/bot/conversations/${id}/handoff`, {
        note: 'Wants to change the address',
        skillId: sales,
      });
      assert.equal(handed.status, 200, JSON.stringify(handed.body));
      assert.equal(handed.body.skillId, sales);
      assert.equal(handed.body.botId, null);
      // Handed over once: a second handoff or reply is refused, and nothing is written.
      const again = await asBot(bot.token).request('POST', `/api/v1/bot/conversations/${id}/handoff`, {});
      assert.equal(again.status, 409);
      const late = await asBot(bot.token).request('POST', `/api/v1/bot/conversations/${id}/messages`, {
        text: 'x',
      });
      assert.equal(late.status, 409);
      await eventually(() => support.offers.has(id), 5000, 'the offer in sales');
      await support.decline(id);
      await visitor.close();
      rx.handler = null;
    });

    it('a bot that stays silent hands the conversation over after its timeout, with a note', async () => {
      const held: import('node:http').ServerResponse[] = [];
      rx.handler = (_req, res) => {
        held.push(res);
        return true;
      };
      await makeBot({ name: 'Silent Bot', kind: 'webhook', url: rx.url, timeoutSeconds: 1 });
      const visitor = await ask('hello, anyone?');
      await visitor.waitForMessage((m) => m.text === HANDOFF_LINE, 8000);
      const id = visitor.conversation.id;
      await eventually(() => support.offers.has(id), 5000, 'the offer');
      await support.accept(id);
      await support.watch(id);
      const note = await support.waitForMessage(id, (m) => m.senderKind === 'note');
      assert.equal(note.text, 'Silent Bot handed over: Silent Bot did not answer within 1 s.');
      for (const res of held) res.destroy();
      rx.handler = null;
      await support.close(id);
      await visitor.close();
    });

    it('a socket bot gets each line with context and replies or hands over over its socket', async () => {
      const bot = await makeBot({ name: 'Socket Bot', kind: 'socket' });
      const wsUrl = `${srv.url.replace('http', 'ws')}/v1/bot`;
      // Without a token the upgrade is refused.
      const refused = await new Promise<number>((done) => {
        const s = new WebSocket(wsUrl);
        s.on('unexpected-response', (_req, res) => done(res.statusCode ?? 0));
        s.on('error', () => done(-1));
      });
      assert.equal(refused, 401);
      const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${bot.token}` } });
      const frames: BotServerFrame[] = [];
      ws.on('message', (d) => frames.push(JSON.parse(String(d))));
      await eventually(() => frames.some((f) => f.t === 'ready'), 5000, 'ready');
      const connected = async () =>
        (await api('GET', '/api/v1/bots')).body.items.find((b: { id: string }) => b.id === bot.bot.id)
          ?.connected;
      await eventually(async () => (await connected()) === true, 5000, 'the bot shown connected');

      const visitor = await ask('Is the blue jacket in stock?');
      const got = await eventually(
        () => frames.find((f): f is Extract<BotServerFrame, { t: 'message' }> => f.t === 'message'),
        5000,
        'the line',
      );
      assert.equal(got.message.text, 'Is the blue jacket in stock?');
      assert.equal(got.context.visitor.name, 'Ada');
      ws.send('not json');
      ws.send(JSON.stringify({ t: 'reply', conversationId: got.conversationId }));
      ws.send(
        JSON.stringify({
          t: 'reply',
          ref: 'r1',
          conversationId: got.conversationId,
          text: 'Which size?',
          quickReplies: [{ title: 'M' }, { title: 'L' }],
        }),
      );
      const line = await visitor.waitForMessage((m) => m.senderKind === 'bot');
      assert.deepEqual(
        line.rich?.quickReplies?.map((q) => q.title),
        ['M', 'L'],
      );
      await eventually(() => frames.some((f) => f.t === 'ack' && f.ref === 'r1'), 5000, 'reply ack');
      assert.equal(frames.filter((f) => f.t === 'error').length, 2);

      ws.send(JSON.stringify({ t: 'handoff', ref: 'h1', conversationId: got.conversationId, note: 'sizes' }));
      await visitor.waitForMessage((m) => m.text === HANDOFF_LINE);
      await eventually(() => frames.some((f) => f.t === 'ack' && f.ref === 'h1'), 5000, 'handoff ack');
      ws.close();
      await eventually(async () => (await connected()) === false, 5000, 'the bot shown not connected');
      await eventually(() => support.offers.has(visitor.conversation.id), 5000, 'the offer');
      await support.decline(visitor.conversation.id);
      await visitor.close();
      // Back to people only for the next tests.
      await api('PATCH', `/api/v1/skills/${skillId}`, { botId: null });
    });

    it('the conversations report splits bot-resolved from people-resolved, with the handoff rate and CSAT of each', async () => {
      const r = await api('GET', '/api/v1/reports/conversations');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      // Six conversations a bot took: one resolved by "Yes", five handed over (No, no article, the
      // webhook bot's handoff, the silent bot, the socket bot).
      assert.deepEqual(r.body.bots, {
        botConversations: 6,
        botResolved: 1,
        handedOff: 5,
        handoffRate: 5 / 6,
        botCsatResponses: 1,
        botCsatAverage: 5,
        // Closed by the support agent after taking them over.
        humanResolved: 3,
        humanCsatResponses: 0,
        humanCsatAverage: null,
      });
    });

    it('tells an integrator’s webhook of every handoff (with its reason) and every bot resolution, signed', async () => {
      const got = await eventually(
        () => {
          const list = events.events();
          return list.length >= 6 ? list : undefined;
        },
        10_000,
        'six bot events',
      );
      const verifier = new Webhook(eventsSecret);
      for (const r of events.received) verifier.verify(r.body, r.headers as Record<string, string>);
      // Deliveries run in parallel: put them back in the order things happened.
      const at = (e: object) => (e as { timestamp: string }).timestamp;
      const handoffs = got.filter((e) => e.type === 'bot.handoff').sort((a, b) => at(a).localeCompare(at(b)));
      assert.deepEqual(
        handoffs.map((e) => [e.data.botName, e.data.reason]),
        [
          ['Help Bot', 'not_helped'],
          ['Help Bot', 'no_answer'],
          ['Order Bot', 'bot'],
          ['Silent Bot', 'timeout'],
          ['Socket Bot', 'bot'],
        ],
      );
      const byWebhookBot = handoffs[2]!.data as {
        note: string;
        toSkillId: string;
        conversation: { skillId: string };
      };
      assert.equal(byWebhookBot.note, 'Wants to change the address');
      assert.equal(byWebhookBot.toSkillId, srv.demo!.skillIds.sales);
      assert.equal(byWebhookBot.conversation.skillId, srv.demo!.skillIds.sales);
      const resolved = got.filter((e) => e.type === 'bot.resolved');
      assert.equal(resolved.length, 1);
      assert.equal(resolved[0]!.data.botName, 'Help Bot');
      assert.equal((resolved[0]!.data.conversation as { status: string }).status, 'closed');
    });

    it('refuses bad input and other members’ roles', async () => {
      const agent = await api(
        'POST',
        '/api/v1/bots',
        { name: 'X', kind: 'answer' },
        'support@demo.beckon.local',
      );
      assert.equal(agent.status, 403);
      const article = await api(
        'POST',
        '/api/v1/knowledge/articles',
        { title: 'T', body: 'B' },
        'support@demo.beckon.local',
      );
      assert.equal(article.status, 403);
      const agentReads = await api('GET', '/api/v1/bots', undefined, 'support@demo.beckon.local');
      assert.equal(agentReads.status, 200);
      assert.ok(agentReads.body.items.every((b: { memberKind: string }) => b.memberKind === 'bot'));

      const noUrl = await api('POST', '/api/v1/bots', { name: 'W', kind: 'webhook' });
      assert.equal(noUrl.status, 400);
      assert.equal(noUrl.body.error.code, 'url_required');
      const badKind = await api('POST', '/api/v1/bots', { name: 'W', kind: 'robot' });
      assert.equal(badKind.status, 400);
      const badThreshold = await api('POST', '/api/v1/bots', { name: 'W', kind: 'answer', threshold: 3 });
      assert.equal(badThreshold.status, 400);
      const unknownBot = await api('PATCH', `/api/v1/skills/${skillId}`, { botId: 'bot_nope' });
      assert.equal(unknownBot.status, 400);
      assert.equal(unknownBot.body.error.code, 'unknown_bot');
      const badLang = await api('POST', '/api/v1/knowledge/articles', {
        title: 'T',
        body: 'B',
        language: '<x>',
      });
      assert.equal(badLang.status, 400);

      const forged = await asBot('bkbot_forged').request('GET', '/api/v1/bot/conversations/conv_x/context');
      assert.equal(forged.status, 401);
      const apiKeyIsNotBot = await asBot('bk_something').request(
        'POST',
        '/api/v1/bot/conversations/conv_x/messages',
        {
          text: 'hi',
        },
      );
      assert.equal(apiKeyIsNotBot.status, 401);
      const bot = await api('POST', '/api/v1/bots', { name: 'Idle', kind: 'socket' });
      const missing = await asBot(bot.body.token).request(
        'GET',
        '/api/v1/bot/conversations/conv_nope/context',
      );
      assert.equal(missing.status, 404);
      const tooMany = await asBot(bot.body.token).request(
        'POST',
        '/api/v1/bot/conversations/conv_nope/messages',
        {
          text: 'hi',
          quickReplies: Array.from({ length: 11 }, (_, i) => ({ title: `q${i}` })),
        },
      );
      assert.equal(tooMany.status, 400);
      const jsCard = await asBot(bot.body.token).request(
        'POST',
        '/api/v1/bot/conversations/conv_nope/messages',
        {
          text: 'hi',
          card: { title: 'x', url: 'javascript:alert(1)' },
        },
      );
      assert.equal(jsCard.status, 400);
      const del = await api('DELETE', `/api/v1/bots/${bot.body.bot.id}`);
      assert.equal(del.status, 204);
      const gone = await asBot(bot.body.token).request('GET', '/api/v1/bot/conversations/conv_nope/context');
      assert.equal(gone.status, 401);
    });
  });
}
