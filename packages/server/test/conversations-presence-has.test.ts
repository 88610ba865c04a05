import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { MemoryBus } from '../src/bus/memory-bus.ts';
import { PresenceSet } from '../src/conversations/presence-set.ts';

const quiet = pino({ level: 'silent' });

describe('presence of one member', () => {
  it("answers for this node's holds and for other nodes' marks, per account", async () => {
    const bus = new MemoryBus();
    const opts = { setOf: (a: string) => `here:${a}`, ttlMs: 30_000, lingerMs: 0 };
    const onA = new PresenceSet(bus, quiet, opts);
    const onB = new PresenceSet(bus, quiet, opts);
    try {
      await onA.hold('acct', 'chat-1');
      assert.equal(await onA.has('acct', 'chat-1'), true, 'held here');
      assert.equal(await onB.has('acct', 'chat-1'), true, 'held on another node');
      assert.equal(await onA.has('other', 'chat-1'), false, 'another account');
      assert.equal(await onA.has('acct', 'chat-2'), false, 'nobody holds it');
      await onA.release('acct', 'chat-1', true);
      assert.equal(await onA.has('acct', 'chat-1'), false, 'released as gone');
      assert.equal(await onB.has('acct', 'chat-1'), false, 'gone for the other node too');
    } finally {
      onA.stop();
      onB.stop();
    }
  });
});
