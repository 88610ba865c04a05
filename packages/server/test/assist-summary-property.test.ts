import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Message } from '@beckon/protocol/chat-api';
import fc from 'fast-check';
import { extractSummary } from '../src/assist/summary-writer.ts';

const line = (seq: number, senderKind: Message['senderKind'], text: string): Message =>
  ({
    conversationId: 'c1',
    seq,
    senderKind,
    senderId: senderKind,
    senderName: null,
    echoId: null,
    text,
    attachments: [],
    createdAt: new Date(0).toISOString(),
  }) as Message;

const history = fc
  .array(
    fc.record({
      kind: fc.constantFrom<Message['senderKind']>('visitor', 'agent', 'system', 'note', 'bot'),
      text: fc.string({ maxLength: 300 }),
    }),
    { maxLength: 60 },
  )
  .map((xs) => xs.map((x, i) => line(i + 1, x.kind, x.text)));

it('an extracted summary, for every history: at most six lines, in order, from the customer and agents only, the first ask kept', () => {
  fc.assert(
    fc.property(history, (lines) => {
      const summary = extractSummary(lines);
      const said = lines.filter(
        (m) => (m.senderKind === 'visitor' || m.senderKind === 'agent') && m.text.trim(),
      );
      if (said.length === 0) return assert.equal(summary, 'No lines from the customer or an agent yet.');
      const out = summary.split('\n');
      assert.ok(out.length <= 6, summary);
      for (const l of out) assert.match(l, /^(Customer|Agent): /);
      const firstAsk = said.find((m) => m.senderKind === 'visitor');
      const quote = (m: Message) => m.text.replace(/\s+/g, ' ').trim().slice(0, 100);
      // The customer's first line is what they came for: it is always kept.
      if (firstAsk)
        assert.ok(
          out.some((l) => l.startsWith(`Customer: ${quote(firstAsk)}`)),
          summary,
        );
      // Nothing a note, a bot or the system said is in it.
      for (const m of lines.filter((x) => x.senderKind === 'note' && x.text.trim().length > 20))
        if (!said.some((s) => s.text.includes(m.text)))
          assert.ok(!summary.includes(m.text.replace(/\s+/g, ' ').trim()));
    }),
    { numRuns: 300 },
  );
});
