import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '@beckon/protocol/chat-api';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { ApiClient } from './helpers/api-client.ts';
import { ChatCompletionsServer } from './helpers/chat-completions-server.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { LibreTranslateServer } from './helpers/libretranslate-server.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

const AGENT_FRAMES_UNLIMITED = { BECKON_RATE_AGENT_FRAME: '0', BECKON_RATE_AGENT_FRAME_USER: '0' };
const SUPPORT = 'support@demo.beckon.local';
const CARD = '4111 1111 1111 1111';
const ES_LINE = 'Hola, ¿dónde está mi pedido? Lo compré hace una semana.';
const ES_IN_EN = 'Hello, where is my order? I bought it a week ago.';
const EN_REPLY = 'Your order left our warehouse yesterday and arrives on Friday.';
const EN_REPLY_IN_ES = 'Su pedido salió de nuestro almacén ayer y llega el viernes.';

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`assist live translation on ${kind}`, () => {
    const skip = (kind === 'postgres' && PG_SKIP) || false;
    let srv: TestServer;
    let lt: LibreTranslateServer;
    let llm: ChatCompletionsServer;
    let support: AgentChatClient;
    let skillId: string;
    const api = async (method: string, path: string, body?: unknown, email = DEMO_ADMIN.email) => {
      const client = new ApiClient(srv.node.app);
      Object.assign(client, await cookieFor(srv, email));
      return client.request(method, path, body);
    };
    const libre = () =>
      api('PUT', '/api/v1/assist', {
        enabled: true,
        baseUrl: '',
        model: '',
        translation: { provider: 'libretranslate', baseUrl: lt.baseUrl },
      });
    /** A visitor whose chat the support agent took before they wrote. */
    const chat = async () => {
      const visitor = await startVisitor(srv, { name: 'Lucía', skillId, text: '👋' });
      const id = visitor.conversation.id;
      await eventually(() => support.offers.has(id), 5000, 'offer');
      await support.accept(id);
      return { visitor, id };
    };
    const end = async (visitor: VisitorChatClient, id: string) => {
      await support.close(id);
      await visitor.close();
    };
    const translationOf = (id: string, seq?: number) =>
      support.next(
        'translation',
        (f) => f.conversationId === id && (seq === undefined || f.seq === seq),
        5000,
      );
    const metrics = async () => (await srv.node.app.inject({ method: 'GET', url: '/metrics' })).body;

    before(async () => {
      if (skip) return;
      srv = await startTestServer({ demo: true, store: kind, env: AGENT_FRAMES_UNLIMITED });
      skillId = srv.demo!.skillIds.support;
      lt = await LibreTranslateServer.start();
      llm = await ChatCompletionsServer.start();
      support = await connectAgent(srv, SUPPORT);
    });
    after(async () => {
      await support?.disconnect();
      await lt?.close();
      await llm?.close();
      await srv?.close();
    });

    it('translates a Spanish customer for an English agent, and the reply back, keeping the originals', {
      skip,
    }, async () => {
      assert.equal((await libre()).status, 200);
      const { visitor, id } = await chat();
      const incoming = translationOf(id);
      await visitor.send(ES_LINE);
      const frame = await incoming;
      assert.deepEqual(frame.translation, {
        language: 'es',
        agentLanguage: 'en',
        text: ES_IN_EN,
        state: 'done',
      });
      assert.equal(frame.customerLanguage, 'es');
      assert.deepEqual(lt.received.at(-1), { q: ES_LINE, source: 'es', target: 'en', format: 'text' });

      // "ok" is too short to tell: the conversation's language holds.
      const short = translationOf(id);
      await visitor.send('ok');
      assert.deepEqual((await short).translation, {
        language: 'es',
        agentLanguage: 'en',
        text: '[en] ok',
        state: 'done',
      });

      const keptFrame = support.next(
        'translation',
        (f) => f.conversationId === id && f.translation.text === EN_REPLY,
      );
      const ack = await support.send(id, EN_REPLY, { translateTo: 'es' });
      assert.equal(ack.text, EN_REPLY_IN_ES, 'the agent is told what was sent');
      const kept = await keptFrame;
      assert.equal(kept.seq, ack.seq);
      assert.deepEqual(kept.translation, {
        language: 'es',
        agentLanguage: 'en',
        text: EN_REPLY,
        state: 'done',
      });
      const got = await visitor.waitForMessage((m) => m.seq === ack.seq);
      assert.equal(got.text, EN_REPLY_IN_ES, 'the customer reads Spanish');
      assert.ok(!visitor.messages.some((m) => m.text === EN_REPLY), 'the customer never sees the English');

      // The transcript keeps both: each line as written or sent, the other language beside it.
      // Through the REST API too.
      const posted = await api(
        'POST',
        `/api/v1/conversations/${id}/messages`,
        { echoId: 'rest-reply-1', text: 'Thank you for waiting.', translateTo: 'es' },
        SUPPORT,
      );
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      assert.equal(posted.body.message.text, '[es] Thank you for waiting.');
      await visitor.waitForMessage((m) => m.text === '[es] Thank you for waiting.');

      const view = await api('GET', `/api/v1/conversations/${id}`, undefined, SUPPORT);
      assert.equal(view.status, 200);
      const lines = view.body.messages as Message[];
      const customerLine = lines.find((m) => m.text === ES_LINE);
      assert.equal(customerLine?.translation?.text, ES_IN_EN);
      const reply = lines.find((m) => m.seq === ack.seq);
      assert.equal(reply?.text, EN_REPLY_IN_ES);
      assert.equal(reply?.translation?.text, EN_REPLY);
      const listed = await api('GET', `/api/v1/conversations/${id}/translations`, undefined, SUPPORT);
      assert.equal(listed.status, 200);
      assert.equal(listed.body.customerLanguage, 'es');
      assert.equal(listed.body.agentLanguage, 'en');
      assert.equal(listed.body.items.length, 4);
      assert.match(
        await metrics(),
        /beckon_assist_translations_total\{provider="libretranslate",direction="outgoing",outcome="done"\} 2/,
      );
      await end(visitor, id);
    });

    it('a German customer through the model: masked before it leaves, the prompt strict', {
      skip,
    }, async () => {
      const on = await api('PUT', '/api/v1/assist', {
        enabled: true,
        baseUrl: llm.baseUrl,
        model: 'local-7b',
        timeoutSeconds: 2,
        translation: { provider: 'model' },
      });
      assert.equal(on.status, 200, JSON.stringify(on.body));
      const { visitor, id } = await chat();
      llm.behaviour = {
        kind: 'answer',
        content: 'Hello, my card [card] was charged twice. Can you help me?',
      };
      llm.received.length = 0;
      const incoming = translationOf(id);
      await visitor.send(`Hallo, meine Karte ${CARD} wurde zweimal belastet. Können Sie mir helfen?`);
      const frame = await incoming;
      assert.equal(frame.translation.language, 'de');
      assert.equal(frame.translation.state, 'done');
      assert.match(frame.translation.text, /charged twice/);
      const req = await eventually(
        () => llm.received.find((r) => /Translate/.test(r.body.messages[0]!.content)),
        5000,
        'the translation request',
      );
      assert.match(req.body.messages[0]!.content, /from German into English/);
      const sent = JSON.stringify(req.body);
      assert.ok(!sent.includes(CARD) && !sent.includes(CARD.replaceAll(' ', '')), sent);

      llm.behaviour = { kind: 'answer', content: 'Ich habe die zweite Abbuchung erstattet.' };
      const ack = await support.send(id, 'I refunded the second charge.', { translateTo: 'de' });
      const got = await visitor.waitForMessage((m) => m.seq === ack.seq);
      assert.equal(got.text, 'Ich habe die zweite Abbuchung erstattet.');
      assert.match(
        await metrics(),
        /beckon_assist_model_calls_total\{purpose="translation",outcome="done"\} [1-9]/,
      );
      await end(visitor, id);
    });

    it('a language the detector does not know is shown as written, counted', { skip }, async () => {
      assert.equal((await libre()).status, 200);
      const { visitor, id } = await chat();
      const calls = lt.received.length;
      const incoming = translationOf(id);
      await visitor.send('zxq vbnm qwrt plkj');
      const frame = await incoming;
      assert.deepEqual(frame.translation, {
        language: null,
        agentLanguage: 'en',
        text: '',
        state: 'unknown',
      });
      assert.equal(frame.customerLanguage, null);
      assert.equal(lt.received.length, calls, 'nothing is sent to translate');
      assert.match(await metrics(), /beckon_assist_language_detections_total\{outcome="unknown"\} [1-9]/);
      // A greeting too short to tell, and an English line: nothing is stored or sent for them.
      await visitor.send('Hi');
      await visitor.send('Thank you, I found the answer on your website myself.');
      const listed = await api('GET', `/api/v1/conversations/${id}/translations`, undefined, SUPPORT);
      assert.equal(listed.body.customerLanguage, 'en');
      assert.deepEqual(
        listed.body.items.map((t: { state: string }) => t.state),
        ['unknown'],
      );
      await end(visitor, id);
    });

    it('a translation service that is down: the agent sees why, the reply waits until sent as written', {
      skip,
    }, async () => {
      assert.equal((await libre()).status, 200);
      const { visitor, id } = await chat();
      lt.down = true;
      try {
        const incoming = translationOf(id);
        await visitor.send(ES_LINE);
        const frame = await incoming;
        assert.equal(frame.translation.state, 'down');
        assert.equal(frame.translation.text, '');
        assert.equal(frame.customerLanguage, 'es');

        const refused = await support.send(id, EN_REPLY, { translateTo: 'es' }).then(
          () => assert.fail('a reply that could not be translated must not be sent'),
          (err: { code?: string; message: string }) => err,
        );
        assert.equal(refused.code, 'translation_failed');
        assert.equal(refused.message, 'the translation service is down');
        await new Promise((r) => setTimeout(r, 200));
        assert.ok(!visitor.messages.some((m) => m.senderKind === 'agent' && /order/.test(m.text)));

        // The REST API refuses it the same way.
        const rest = await api(
          'POST',
          `/api/v1/conversations/${id}/messages`,
          { echoId: 'rest-translated-1', text: EN_REPLY, translateTo: 'es' },
          SUPPORT,
        );
        assert.equal(rest.status, 502);
        assert.equal(rest.body.error.code, 'translation_failed');

        const asWritten = await support.send(id, EN_REPLY);
        const got = await visitor.waitForMessage((m) => m.seq === asWritten.seq);
        assert.equal(got.text, EN_REPLY, 'sent as written when the agent says so');
        const body = await metrics();
        assert.match(
          body,
          /beckon_assist_translations_total\{provider="libretranslate",direction="incoming",outcome="down"\} [1-9]/,
        );
        assert.match(
          body,
          /beckon_assist_translations_total\{provider="libretranslate",direction="outgoing",outcome="down"\} [1-9]/,
        );
      } finally {
        lt.down = false;
      }
      await end(visitor, id);
    });

    it('sends the LibreTranslate key as api_key, sealed at rest and never read back', { skip }, async () => {
      const KEY = 'lt-key-that-must-not-leak';
      lt.apiKey = KEY;
      try {
        const put = (translation: Record<string, unknown>) =>
          api('PUT', '/api/v1/assist', {
            enabled: true,
            baseUrl: '',
            model: '',
            translation: { provider: 'libretranslate', baseUrl: lt.baseUrl, ...translation },
          });
        // Without the key the server refuses: the agent sees the service as down.
        assert.equal((await put({ apiKey: null })).status, 200);
        let { visitor, id } = await chat();
        let incoming = translationOf(id);
        await visitor.send(ES_LINE);
        assert.equal((await incoming).translation.state, 'down');
        assert.equal(lt.received.at(-1)?.api_key, undefined);
        await end(visitor, id);

        const saved = await put({ apiKey: KEY });
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
        assert.equal(saved.body.translation.hasApiKey, true);
        assert.ok(!JSON.stringify(saved.body).includes(KEY), 'the key is never read back');
        const read = await api('GET', '/api/v1/assist');
        assert.equal(read.body.translation.hasApiKey, true);
        assert.ok(!JSON.stringify(read.body).includes(KEY));
        const row = await srv.node.ctx.store.db
          .selectFrom('assist_settings')
          .select('translation_api_key')
          .executeTakeFirstOrThrow();
        assert.ok(row.translation_api_key && !row.translation_api_key.includes(KEY), 'sealed at rest');

        // Saved again without `apiKey`: the key stays.
        assert.equal((await put({})).body.translation.hasApiKey, true);
        ({ visitor, id } = await chat());
        incoming = translationOf(id);
        await visitor.send(ES_LINE);
        assert.deepEqual((await incoming).translation, {
          language: 'es',
          agentLanguage: 'en',
          text: ES_IN_EN,
          state: 'done',
        });
        assert.deepEqual(lt.received.at(-1), {
          q: ES_LINE,
          source: 'es',
          target: 'en',
          format: 'text',
          api_key: KEY,
        });
        await end(visitor, id);

        // Null removes it.
        assert.equal((await put({ apiKey: null })).body.translation.hasApiKey, false);
      } finally {
        lt.apiKey = null;
      }
    });

    it('translates for the reading language the agent set in their profile, before their console language', {
      skip,
    }, async () => {
      assert.equal((await libre()).status, 200);
      const set = (language: unknown) => api('PUT', '/api/v1/me/reading-language', { language }, SUPPORT);
      assert.equal((await set('de')).status, 204);
      assert.equal(
        (await api('PUT', '/api/v1/me/console-language', { language: 'es' }, SUPPORT)).status,
        204,
      );
      try {
        const me = await api('GET', '/api/v1/me', undefined, SUPPORT);
        assert.equal(me.body.readingLanguage, 'de');
        const { visitor, id } = await chat();
        const incoming = translationOf(id);
        await visitor.send(ES_LINE);
        assert.deepEqual((await incoming).translation, {
          language: 'es',
          agentLanguage: 'de',
          text: `[de] ${ES_LINE}`,
          state: 'done',
        });
        // The reply goes from the agent's reading language to the customer's.
        const ack = await support.send(id, 'Ihre Bestellung ist unterwegs.', { translateTo: 'es' });
        assert.equal(ack.text, '[es] Ihre Bestellung ist unterwegs.');
        assert.deepEqual(lt.received.at(-1), {
          q: 'Ihre Bestellung ist unterwegs.',
          source: 'de',
          target: 'es',
          format: 'text',
        });
        await end(visitor, id);

        // A reading language is any language code, not only the console's; unknown ones are refused.
        assert.equal((await set('fr')).status, 204);
        for (const bad of ['xx', 'fra', 'DE', 42]) {
          const res = await set(bad);
          assert.equal(res.status, 400, String(bad));
          assert.equal(typeof res.body.error.message, 'string');
        }
      } finally {
        // Null follows the console's language again.
        assert.equal((await set(null)).status, 204);
        assert.equal((await api('GET', '/api/v1/me', undefined, SUPPORT)).body.readingLanguage, null);
        await api('PUT', '/api/v1/me/console-language', { language: null }, SUPPORT);
      }
    });

    it('an agent who takes a chat later gets the lines written before translated when they open it', {
      skip,
    }, async () => {
      assert.equal((await libre()).status, 200);
      const visitor = await startVisitor(srv, { name: 'Lucía', skillId, text: ES_LINE });
      const id = visitor.conversation.id;
      await eventually(() => support.offers.has(id), 5000, 'offer');
      await support.accept(id);
      const listed = await api('GET', `/api/v1/conversations/${id}/translations`, undefined, SUPPORT);
      assert.equal(listed.status, 200);
      assert.equal(listed.body.customerLanguage, 'es');
      assert.equal(listed.body.items[0].text, ES_IN_EN);
      await end(visitor, id);
    });
  });
}
