import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WIDGET_LANGUAGES } from '@beckon/protocol/widget-languages';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { ENGLISH_LINES, VISITOR_LINES, visitorLine } from '../src/conversations/visitor-lines.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReason } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the lines the server writes to the visitor, in every widget language', () => {
  it('has every line in every language the widget speaks, with the same placeholders as English', () => {
    for (const lang of WIDGET_LANGUAGES.filter((l) => l !== 'en')) {
      const lines = VISITOR_LINES[lang];
      assert.deepEqual(Object.keys(lines).sort(), Object.keys(ENGLISH_LINES).sort(), lang);
      for (const [key, english] of Object.entries(ENGLISH_LINES)) {
        const text = lines[key as keyof typeof lines];
        assert.deepEqual(placeholders(text), placeholders(english), `${lang} ${key}`);
        assert.notEqual(text, english, `${lang} ${key} is translated`);
      }
    }
  });

  it('fills in names as written and falls back to English for a language it does not know', () => {
    assert.equal(visitorLine('de', 'joined', { name: 'Ana $& Co' }), 'Ana $& Co ist dem Chat beigetreten.');
    assert.equal(visitorLine('xx', 'ended'), 'The chat has ended.');
    assert.equal(visitorLine(null, 'joined', { name: 'Ana' }), 'Ana joined the chat.');
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`a chat started in the widget's language reads the server's lines in it (${kind})`, {
    timeout: 60_000,
  }, () => {
    let srv: TestServer | undefined;
    let skip: string | null = null;
    let sales: AgentChatClient;
    before(async () => {
      skip = kind === 'postgres' ? await postgresSkipReason() : null;
      if (skip) return;
      srv = await startTestServer({ demo: true, store: kind });
      sales = await connectAgent(srv, 'sales@demo.beckon.local');
    });
    after(async () => {
      await sales?.disconnect();
      await srv?.close();
    });

    it('German: the agent joins and closes; English when the widget sent no language', async (t) => {
      if (skip) return t.skip(skip);
      for (const [language, joined, ended] of [
        ['de', 'Sales Agent ist dem Chat beigetreten.', 'Der Chat wurde beendet.'],
        [undefined, 'Sales Agent joined the chat.', 'The chat has ended.'],
      ] as const) {
        const visitor = await startVisitor(srv!, {
          skillId: srv!.demo!.skillIds.sales,
          text: 'Hallo',
          ...(language ? { language } : {}),
        });
        const id = visitor.conversation.id;
        await eventually(() => sales.offers.has(id), 5000, 'the offer');
        await sales.accept(id);
        await visitor.waitForMessage((m) => m.senderKind === 'system' && m.text === joined);
        await sales.close(id);
        await visitor.waitForMessage((m) => m.senderKind === 'system' && m.text === ended);
        await visitor.close();
      }
    });

    it('Arabic: with no one online, the offline line is in Arabic', async (t) => {
      if (skip) return t.skip(skip);
      const visitor = await startVisitor(srv!, { skillId: srv!.demo!.skillIds.support, language: 'ar' });
      assert.equal(visitor.conversation.status, 'offline');
      await visitor.waitForMessage((m) => m.senderKind === 'system' && m.text === VISITOR_LINES.ar.offline);
      await visitor.close();
    });

    it('refuses a language the widget does not speak', async (t) => {
      if (skip) return t.skip(skip);
      const res = await srv!.node.app.inject({
        method: 'POST',
        url: '/api/v1/chat/conversations',
        headers: { 'x-beckon-site-key': srv!.demo!.siteKey },
        payload: { language: 'klingon' },
      });
      assert.equal(res.statusCode, 400, res.body);
    });
  });
}
