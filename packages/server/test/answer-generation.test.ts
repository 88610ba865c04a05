import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from './helpers/api-client.ts';
import { ChatCompletionsServer } from './helpers/chat-completions-server.ts';
import { cookieFor, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const SECRET_KEY = 'answer-generation-test-key-0123456789abcdef';
const API_KEY = 'sk-local-model-key-that-must-not-leak';

const ARTICLES = [
  {
    title: 'Returns and refunds',
    body:
      'You can return any item within 30 days of delivery for a full refund. Start a return from ' +
      'Your orders, print the prepaid label, and drop the parcel at any post office.',
    tags: ['returns', 'refund'],
    url: 'https://help.example.com/returns',
  },
  {
    title: 'Shipping times and costs',
    body: 'Standard shipping takes 3 to 5 business days and is free on orders over 50 euros.',
    tags: ['shipping', 'delivery'],
  },
];

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`generated answers on ${kind}`, () => {
    let srv: TestServer;
    let llm: ChatCompletionsServer;
    let skillId: string;
    const api = async (method: string, path: string, body?: unknown, email = 'admin@demo.beckon.local') => {
      const client = new ApiClient(srv.node.app);
      Object.assign(client, await cookieFor(srv, email));
      return client.request(method, path, body);
    };
    const ask = (text: string) => startVisitor(srv, { name: 'Ada', skillId, text });

    before(async () => {
      srv = await startTestServer({ demo: true, store: kind, env: { BECKON_SECRET_KEY: SECRET_KEY } });
      skillId = srv.demo!.skillIds.support;
      llm = await ChatCompletionsServer.start();
      for (const a of ARTICLES) {
        const r = await api('POST', '/api/v1/knowledge/articles', a);
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      const bot = await api('POST', '/api/v1/bots', { name: 'Help Bot', kind: 'answer', threshold: 0.5 });
      assert.equal(bot.status, 201, JSON.stringify(bot.body));
      const s = await api('PATCH', `/api/v1/skills/${skillId}`, { botId: bot.body.bot.id });
      assert.equal(s.status, 200, JSON.stringify(s.body));
    });
    after(async () => {
      await llm?.close();
      await srv?.close();
    });

    it('is off by default: the answer bot shows the article and asks nothing of a model', async () => {
      const got = await api('GET', '/api/v1/knowledge/generation');
      assert.equal(got.status, 200);
      assert.equal(got.body.enabled, false);
      const visitor = await ask('How do I return an item for a refund?');
      const answer = await visitor.waitForMessage((m) => m.senderKind === 'bot');
      assert.match(answer.text, /This article may answer your question: “Returns and refunds”/);
      assert.equal(llm.received.length, 0);
      await visitor.close();
    });

    it('refuses settings that cannot work, and only admins may change them', async () => {
      const noUrl = await api('PUT', '/api/v1/knowledge/generation', {
        enabled: true,
        baseUrl: '',
        model: 'm',
      });
      assert.equal(noUrl.status, 400);
      assert.equal(noUrl.body.error.code, 'base_url_required');
      const badUrl = await api('PUT', '/api/v1/knowledge/generation', {
        enabled: true,
        baseUrl: 'file:///etc/passwd',
        model: 'm',
      });
      assert.equal(badUrl.status, 400);
      const agent = await api(
        'PUT',
        '/api/v1/knowledge/generation',
        { enabled: false, baseUrl: '', model: '' },
        'support@demo.beckon.local',
      );
      assert.equal(agent.status, 403);
    });

    it('answers with the model’s words grounded in the articles, citing them, and still asks “did this help?”', async () => {
      const saved = await api('PUT', '/api/v1/knowledge/generation', {
        enabled: true,
        baseUrl: `${llm.baseUrl}/`,
        model: 'llama-3.2-3b-instruct',
        apiKey: API_KEY,
        timeoutSeconds: 5,
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(saved.body.hasApiKey, true);
      assert.equal(JSON.stringify(saved.body).includes(API_KEY), false, 'the key is never read back');
      const row = await srv.node.ctx.store.db
        .selectFrom('answer_generation')
        .select('api_key')
        .executeTakeFirstOrThrow();
      assert.match(row.api_key ?? '', /^enc:v1:/, 'the key is sealed at rest');

      llm.behaviour = {
        kind: 'answer',
        content: 'You can send it back within 30 days of delivery and get a full refund [1].',
      };
      const question = 'How do I return an item for a refund?';
      const visitor = await ask(question);
      const answer = await visitor.waitForMessage((m) => m.senderKind === 'bot');
      assert.equal(answer.senderName, 'Help Bot');
      assert.match(
        answer.text,
        /^You can send it back within 30 days of delivery and get a full refund \[1\]\./,
      );
      assert.match(
        answer.text,
        /Sources:\n\[1\] Returns and refunds — https:\/\/help\.example\.com\/returns/,
      );
      assert.match(answer.text, /Did this help\?$/);
      assert.equal(answer.rich?.card?.title, 'Returns and refunds');
      assert.deepEqual(
        answer.rich?.quickReplies?.map((q) => q.title),
        ['Yes, thanks', 'No'],
      );

      const req = llm.received.at(-1)!;
      assert.equal(req.path, '/v1/chat/completions');
      assert.equal(req.headers.authorization, `Bearer ${API_KEY}`);
      assert.equal(req.body.model, 'llama-3.2-3b-instruct');
      const system = req.body.messages.find((m) => m.role === 'system')?.content ?? '';
      assert.match(system, /\[1\] Returns and refunds\nURL: https:\/\/help\.example\.com\/returns/);
      assert.match(system, /return any item within 30 days of delivery for a full refund/);
      assert.deepEqual(req.body.messages.at(-1), { role: 'user', content: question });

      await visitor.send('Yes, thanks');
      await visitor.waitForConversation((c) => c.status === 'closed');
      await visitor.close();
    });

    for (const [what, behaviour] of [
      ['answers 500', { kind: 'status', status: 500 }],
      ['never answers', { kind: 'silent' }],
      ['has no answer in the articles', { kind: 'answer', content: 'NO_ANSWER' }],
      ['answers nothing', { kind: 'answer', content: '  ' }],
    ] as const) {
      it(`falls back to the article when the model ${what}`, async () => {
        await api('PUT', '/api/v1/knowledge/generation', {
          enabled: true,
          baseUrl: llm.baseUrl,
          model: 'm',
          timeoutSeconds: 1,
        });
        llm.behaviour = behaviour;
        const before = llm.received.length;
        const started = Date.now();
        const visitor = await ask('What does shipping cost and how long is delivery?');
        const answer = await visitor.waitForMessage((m) => m.senderKind === 'bot');
        assert.match(answer.text, /This article may answer your question: “Shipping times and costs”/);
        assert.equal(llm.received.length, before + 1, 'the model was asked');
        assert.ok(Date.now() - started < 6000, 'the visitor is not kept waiting past the timeout');
        await visitor.close();
      });
    }
  });
}
