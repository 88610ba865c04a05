import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AckGate } from '../src/engagement/ack-gate.ts';
import { eventually } from './engagement-fixtures.ts';

describe('ack gate: acks wait while the events writer is behind', () => {
  it('acks at once while the backlog is short, holds them in order above the high mark, releases below the low one', async () => {
    let backlog = 0;
    const sent: string[] = [];
    const gate = new AckGate(() => backlog, 100, 50, 2);
    gate.send(() => sent.push('a'));
    assert.deepEqual(sent, ['a']);
    backlog = 150;
    gate.send(() => sent.push('b'));
    gate.send(() => sent.push('c'));
    backlog = 80; // under the high mark but not yet the low one: a later ack must not overtake
    gate.send(() => sent.push('d'));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(sent, ['a']);
    assert.equal(gate.waiting, 3);
    backlog = 40;
    await eventually(() => sent.length === 4);
    assert.deepEqual(sent, ['a', 'b', 'c', 'd']);
    gate.send(() => sent.push('e'));
    assert.deepEqual(sent.at(-1), 'e', 'flowing again');
  });

  it('releases everything on close (shutdown flushes the writer next)', () => {
    const sent: number[] = [];
    const gate = new AckGate(() => 1e9, 10);
    gate.send(() => sent.push(1));
    gate.close();
    assert.deepEqual(sent, [1]);
  });
});
