import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { type CallLine, callLineEcho } from '@beckon/protocol/chat-lines';
import type { Message } from '../src/api/conversations.ts';
import { applyMessages } from '../src/i18n/i18n.ts';
import { callLineText } from '../src/pages/conversations/call-line-text.ts';

const names = {
  userName: (id: string | null) => ({ u1: 'Ana', u2: 'Ben' })[id ?? ''] ?? null,
  skillName: (id: string | null) => (id === 's1' ? 'Billing' : null),
};

const line = (l: CallLine, text = 'stored English'): Message =>
  ({
    conversationId: 'c1',
    seq: 1,
    senderKind: 'system',
    senderId: null,
    senderName: null,
    echoId: callLineEcho(l, 'n0nce'),
    text,
    attachments: [],
    createdAt: '2026-11-29T10:00:00Z',
  }) as unknown as Message;

const pack = (lang: string) =>
  JSON.parse(readFileSync(new URL(`../src/i18n/packs/${lang}.json`, import.meta.url), 'utf8'));

describe('a phone call transfer’s line in the timeline', () => {
  after(() => applyMessages('en', 'en', {}));

  it('says cold from warm, to an agent or a skill’s queue, in the agent’s language', () => {
    const english: [CallLine, string][] = [
      [{ kind: 'transferred', from: 'u1', agentId: 'u2' }, 'Ana transferred the call to Ben.'],
      [{ kind: 'transferred', from: 'u1', skillId: 's1' }, 'Ana transferred the call to the Billing queue.'],
      [
        { kind: 'consulting', from: 'u1', agentId: 'u2' },
        'Ana started a consult with Ben before handing the call over.',
      ],
      [{ kind: 'handed', from: 'u1', agentId: 'u2' }, 'Ana handed the call over to Ben after a consult.'],
      [{ kind: 'back', agentId: 'u1' }, 'The call is back with Ana.'],
    ];
    for (const [l, text] of english) assert.equal(callLineText(line(l), names), text);
    // German and Spanish consoles word every line themselves, with the same names.
    for (const lang of ['de', 'es'] as const) {
      applyMessages(lang, lang, pack(lang));
      for (const [l, text] of english) {
        const worded = callLineText(line(l), names);
        assert.ok(worded && worded !== text && worded.includes('Ana'), `${lang}: ${worded}`);
      }
    }
    applyMessages('de', 'de', pack('de'));
    assert.equal(
      callLineText(line({ kind: 'handed', from: 'u1', agentId: 'u2' }), names),
      'Ana hat den Anruf nach einer Rücksprache an Ben übergeben.',
    );
    assert.equal(
      callLineText(line({ kind: 'transferred', from: 'u1', skillId: 's1' }), names),
      'Ana hat den Anruf in die Warteschlange Billing weitergeleitet.',
    );
    applyMessages('es', 'es', pack('es'));
    assert.equal(
      callLineText(line({ kind: 'consulting', from: 'u1', skillId: 's1' }), names),
      'Ana inició una consulta con la cola Billing antes de pasar la llamada.',
    );
    applyMessages('en', 'en', {});
  });

  it('leaves other lines and unknown names to the stored text', () => {
    assert.equal(callLineText(line({ kind: 'transferred', from: 'gone', agentId: 'u2' }), names), null);
    assert.equal(callLineText(line({ kind: 'consulting', from: 'u1', skillId: 'gone' }), names), null);
    const plain = { ...line({ kind: 'back', agentId: 'u1' }), echoId: null } as Message;
    assert.equal(callLineText(plain, names), null);
    const note = { ...line({ kind: 'back', agentId: 'u1' }), senderKind: 'note' } as Message;
    assert.equal(callLineText(note, names), null);
  });
});
