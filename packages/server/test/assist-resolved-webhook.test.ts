import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { ApiClient } from './helpers/api-client.ts';
import { ChatCompletionsServer } from './helpers/chat-completions-server.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

const ENV = {
  BECKON_WEBHOOKS_ALLOW_PRIVATE: '1',
  BECKON_WEBHOOKS_POLL_MS: '50',
  BECKON_WEBHOOKS_TIMEOUT_MS: '1000',
  BECKON_RATE_AGENT_FRAME: '0',
  BECKON_RATE_AGENT_FRAME_USER: '0',
};

/** The webhook's summary, as a receiver reads it. */
type Summary = { text: string; source: string; editedBy?: string | null; updatedAt: string } | null;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`the conversation.resolved webhook carries assist's summary on ${kind}`, () => {
    const skip = (kind === 'postgres' && PG_SKIP) || false;
    let srv: TestServer;
    let rx: WebhookReceiver;
    let llm: ChatCompletionsServer;
    let agent: AgentChatClient;
    const api = async (method: string, path: string, body?: unknown) => {
      const client = new ApiClient(srv.node.app);
      Object.assign(client, await cookieFor(srv, DEMO_ADMIN.email));
      return client.request(method, path, body);
    };
    const assist = async (body: Record<string, unknown>) => {
      const r = await api('PUT', '/api/v1/assist', { baseUrl: '', model: '', ...body });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    /** A chat with the support agent: the customer's line and the agent's reply. */
    const chat = async (line: string, reply: string) => {
      const visitor = await startVisitor(srv, {
        name: 'Ada',
        skillId: srv.demo!.skillIds.support,
        text: line,
      });
      const id = visitor.conversation!.id;
      await eventually(() => agent.offers.has(id), 5000, 'the offer');
      await agent.accept(id);
      await agent.send(id, reply);
      await visitor.waitForMessage((m) => m.text === reply);
      return { visitor, id };
    };
    /** The resolved event of one conversation, once delivered, and how long after `since` (ms). */
    const resolved = async (id: string, since: number, within: number) => {
      const e = await eventually(
        () =>
          rx.events('conversation.resolved').find((x) => (x.data.conversation as { id: string }).id === id),
        within,
        `conversation.resolved of ${id}`,
      );
      return { summary: e.data.summary as Summary, after: Date.now() - since };
    };

    before(async () => {
      if (skip) return;
      srv = await startTestServer({ demo: true, store: kind, env: ENV });
      rx = await WebhookReceiver.start();
      llm = await ChatCompletionsServer.start();
      agent = await connectAgent(srv, 'support@demo.beckon.local');
      const r = await api('POST', '/api/v1/webhooks', { url: rx.url, events: ['conversation.resolved'] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    });
    after(async () => {
      if (skip) return;
      await agent?.disconnect();
      await llm?.close();
      await rx?.close();
      await srv?.close();
    });

    it('has a null summary while assist is off, and is not held back', { skip }, async () => {
      const { visitor, id } = await chat('Where is my parcel?', 'Let me look.');
      const at = Date.now();
      await agent.close(id);
      const { summary, after: ms } = await resolved(id, at, 3000);
      assert.equal(summary, null);
      assert.ok(ms < 3000, `delivered after ${ms} ms`);
      await visitor.close();
    });

    it('without a model: the key lines, sent as soon as they are written (not after the hold)', {
      skip,
    }, async () => {
      await assist({ enabled: true });
      const { visitor, id } = await chat(
        'My order 4417 has not moved since Monday',
        'I asked the carrier to check it.',
      );
      const at = Date.now();
      await agent.close(id);
      // The hold without a model is five seconds; the summary releases the delivery well before.
      const { summary, after: ms } = await resolved(id, at, 4000);
      assert.ok(ms < 4000, `delivered after ${ms} ms`);
      assert.ok(summary, 'a summary');
      assert.equal(summary.source, 'extract');
      assert.match(summary.text, /Customer: My order 4417 has not moved since Monday/);
      assert.match(summary.text, /Agent: I asked the carrier to check it\./);
      const rest = await api('GET', `/api/v1/conversations/${id}/summary`);
      assert.equal(rest.body.text, summary.text, 'the same summary as the console shows');
      await visitor.close();
    });

    it('when the visitor ends the chat, the summary is written and sent too', { skip }, async () => {
      const { visitor, id } = await chat('Can I change the delivery address?', 'Yes, tell me the new one.');
      const at = Date.now();
      visitor.end();
      const { summary } = await resolved(id, at, 4000);
      assert.equal(summary?.source, 'extract');
      assert.match(summary!.text, /Customer: Can I change the delivery address\?/);
      await visitor.close();
    });

    it('with a model: the model’s summary, released when it is written', { skip }, async () => {
      await assist({ enabled: true, baseUrl: llm.baseUrl, model: 'local-7b', timeoutSeconds: 3 });
      const { visitor, id } = await chat(
        'I was charged twice for order 9120',
        'I refunded the second charge.',
      );
      llm.behaviour = {
        kind: 'answer',
        content: 'Charged twice for order 9120; the second charge was refunded.',
      };
      const at = Date.now();
      await agent.close(id);
      // Held for up to 3 s + 5 s; the model's answer releases it at once.
      const { summary, after: ms } = await resolved(id, at, 5000);
      assert.deepEqual(
        { text: summary?.text, source: summary?.source },
        { text: 'Charged twice for order 9120; the second charge was refunded.', source: 'model' },
      );
      assert.ok(ms < 5000, `delivered after ${ms} ms`);
      await visitor.close();
    });

    it('a conversation an answer bot resolves gets its summary too, without waiting out the hold', {
      skip,
    }, async () => {
      const article = await api('POST', '/api/v1/knowledge/articles', {
        title: 'Returns and refunds',
        body: 'You can return any item within 30 days of delivery for a full refund.',
        tags: ['returns', 'refund'],
      });
      assert.equal(article.status, 201, JSON.stringify(article.body));
      const bot = await api('POST', '/api/v1/bots', { name: 'Help Bot', kind: 'answer', threshold: 0.5 });
      assert.equal(bot.status, 201, JSON.stringify(bot.body));
      const skillId = srv.demo!.skillIds.support;
      const routed = await api('PATCH', `/api/v1/skills/${skillId}`, { botId: bot.body.bot.id });
      assert.equal(routed.status, 200, JSON.stringify(routed.body));
      llm.behaviour = { kind: 'answer', content: 'The bot explained returns; the customer was satisfied.' };
      const visitor = await startVisitor(srv, {
        name: 'Ada',
        skillId,
        text: 'How do I return an item for a refund?',
      });
      await visitor.waitForMessage((m) => m.senderKind === 'bot');
      const at = Date.now();
      await visitor.send('Yes, thanks');
      const { summary, after: ms } = await resolved(visitor.conversation!.id, at, 5000);
      assert.equal(summary?.source, 'model');
      assert.ok(ms < 5000, `delivered after ${ms} ms`);
      await visitor.close();
    });
  });
}
