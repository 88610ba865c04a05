import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { busyCommitGap } from '../src/conversations/message-writer.ts';
import { startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

/** Long enough that no loaded machine blurs "at once" and "at the next commit". */
const GAP_MS = 1000;

describe('conversations: group commits at least BECKON_MESSAGE_COMMIT_GAP_MS apart', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true, env: { BECKON_MESSAGE_COMMIT_GAP_MS: String(GAP_MS) } });
  });
  after(async () => {
    await srv.close();
  });

  it('stores a line after a quiet spell at once, and the lines that follow it together at the next commit', async () => {
    const visitor = await startVisitor(srv, { text: 'Hello?' });
    await new Promise((r) => setTimeout(r, GAP_MS + 100)); // quiet since the first line's commit
    const sentAt = Date.now();
    const first = await visitor.send('Is anyone there?');
    const firstAt = Date.parse(first.createdAt);
    assert.ok(firstAt - sentAt < GAP_MS, `stored ${firstAt - sentAt} ms after it was sent`);
    const [second, third] = await Promise.all([
      visitor.send('I have a question'),
      visitor.send('about sizes'),
    ]);
    // One transaction: one commit time, the gap after the first line's commit, numbers in order.
    assert.equal(second.createdAt, third.createdAt);
    assert.ok(
      Date.parse(second.createdAt) - firstAt >= GAP_MS - 50,
      `${second.createdAt} after ${first.createdAt}`,
    );
    assert.deepEqual([first.seq + 1, first.seq + 2], [second.seq, third.seq]);
    const stored = await srv.node.ctx.store.messages.after(
      srv.demo!.accountId,
      visitor.conversation.id,
      first.seq - 1,
    );
    assert.deepEqual(
      stored.map((m) => m.text),
      ['Is anyone there?', 'I have a question', 'about sizes'],
    );
    await visitor.close();
  });

  it('refuses a gap that is not a number of milliseconds from 0 to 1000 at start', () => {
    for (const bad of ['-1', 'soon', '5000']) {
      assert.throws(
        () => loadConfig({ port: 0 }, { BECKON_MESSAGE_COMMIT_GAP_MS: bad }),
        /invalid BECKON_MESSAGE_COMMIT_GAP_MS/,
      );
    }
    assert.equal(loadConfig({ port: 0 }, {}).messageCommitGapMs, 2);
    assert.equal(loadConfig({ port: 0 }, { BECKON_MESSAGE_COMMIT_GAP_MS: '0' }).messageCommitGapMs, 0);
    for (const bad of ['-1', 'soon', '5000']) {
      assert.throws(
        () => loadConfig({ port: 0 }, { BECKON_MESSAGE_BUSY_COMMIT_GAP_MS: bad }),
        /invalid BECKON_MESSAGE_BUSY_COMMIT_GAP_MS/,
      );
    }
    assert.equal(loadConfig({ port: 0 }, {}).messageBusyCommitGapMs, 12);
  });

  it('widens the gap as the socket thread fills: the base up to half busy, the busy gap from 80 %', () => {
    let share = 0;
    const gap = busyCommitGap(2, 6, () => share);
    const at = (s: number) => {
      share = s;
      return gap();
    };
    assert.deepEqual([at(0), at(0.3), at(0.5)], [2, 2, 2]);
    assert.ok(Math.abs(at(0.65) - 4) < 1e-9, `at 65 %: ${at(0.65)}`);
    assert.deepEqual([at(0.8), at(0.95), at(1)], [6, 6, 6]);
    // A busy gap at or under the base keeps the base, whatever the thread does.
    assert.equal(busyCommitGap(5, 2, () => 1)(), 5);
  });
});
