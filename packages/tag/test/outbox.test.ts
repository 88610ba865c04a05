import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOutbox } from '../src/outbox.ts';

type Ev = { n: number; pad?: string };
const ev = (n: number, pad = 0): Ev => (pad ? { n, pad: 'x'.repeat(pad) } : { n });
let seq = 0;
const ids = () => `b${++seq}`;
const numbers = (batches: { events: Ev[] }[]) => batches.map((b) => b.events.map((e) => e.n));

describe('outbox: batching, acks, resends and bounds', () => {
  it('says "flush now" once a batch is full, and batches by count', () => {
    const box = createOutbox<Ev>(500, 3, 16000, ids);
    assert.equal(box.add(ev(1)), false);
    assert.equal(box.add(ev(2)), false);
    assert.equal(box.add(ev(3)), true);
    box.add(ev(4));
    assert.deepEqual(numbers(box.take(true)), [[1, 2, 3], [4]]);
  });

  it('gives every batch its own id and keeps it until acknowledged', () => {
    const box = createOutbox<Ev>(500, 2, 16000, ids);
    for (let i = 1; i <= 4; i++) box.add(ev(i));
    const sent = box.take(true);
    assert.equal(new Set(sent.map((b) => b.id)).size, 2);
    assert.deepEqual(box.take(true), [], 'sent batches are not sent twice on one connection');
    box.ack(sent[0]!.id);
    assert.equal(box.size(), 2);
    assert.deepEqual(
      box.take().map((b) => b.id),
      [sent[1]!.id],
      'the beacon gets what is not acknowledged',
    );
  });

  it('resends unacknowledged batches with the same ids after a reconnect', () => {
    const box = createOutbox<Ev>(500, 2, 16000, ids);
    for (let i = 1; i <= 3; i++) box.add(ev(i));
    const first = box.take(true);
    box.ack(first[0]!.id);
    box.unsend();
    const again = box.take(true);
    assert.deepEqual(
      again.map((b) => b.id),
      [first[1]!.id],
    );
    assert.deepEqual(numbers(again), [[3]]);
  });

  it('drops the oldest batch in flight when the server refuses a batch without closing', () => {
    const box = createOutbox<Ev>(500, 1, 16000, ids);
    for (let i = 1; i <= 3; i++) box.add(ev(i));
    const [a] = box.take(true);
    box.ack(a!.id);
    box.ack(); // error frame: batch 2 was refused
    box.unsend();
    assert.deepEqual(numbers(box.take(true)), [[3]]);
  });

  it('forgets the sent batches when the server refused one, but keeps what was never sent', () => {
    const box = createOutbox<Ev>(500, 2, 16000, ids);
    box.add(ev(1));
    box.add(ev(2));
    box.take(true);
    box.add(ev(3));
    box.unsend(true);
    assert.deepEqual(numbers(box.take(true)), [[3]]);
  });

  it('keeps each batch under the character budget so no frame exceeds 64 KiB', () => {
    const box = createOutbox<Ev>(500, 50, 1000, ids);
    for (let i = 1; i <= 6; i++) box.add(ev(i, 300));
    const batches = box.take(true);
    for (const b of batches) assert.ok(JSON.stringify(b.events).length <= 1000 + b.events.length + 2);
    assert.deepEqual(numbers(batches), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('drops a single event too large for any frame', () => {
    const box = createOutbox<Ev>(500, 20, 1000, ids);
    assert.equal(box.add(ev(1, 2000)), false);
    assert.equal(box.size(), 0);
  });

  it('is bounded while offline: the oldest events go first', () => {
    const box = createOutbox<Ev>(10, 4, 16000, ids);
    for (let i = 1; i <= 25; i++) {
      box.add(ev(i));
      if (i % 4 === 0) box.take(true); // sealed and "sent" on a socket that never acknowledges
    }
    assert.ok(box.size() <= 10);
    box.unsend();
    const left = numbers(box.take(true)).flat();
    assert.equal(left.at(-1), 25, 'the newest event is kept');
    assert.ok(left[0]! > 10, 'the oldest were dropped');
    assert.deepEqual(
      left,
      [...left].sort((a, b) => a - b),
      'order is kept',
    );
  });
});
