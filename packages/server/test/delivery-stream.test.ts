import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '@beckon/protocol/chat-api';
import { DeliveryStream } from '../src/conversations/delivery-stream.ts';

const line = (seq: number, echoId: string | null = null): Message => ({
  conversationId: 'c1',
  seq,
  senderKind: 'visitor',
  senderId: null,
  senderName: null,
  echoId,
  text: `line ${seq}`,
  attachments: [],
  createdAt: new Date(0).toISOString(),
});

/**
 * A conversation's committed lines, read as the store reads them (after a sequence number, in
 * order); `hold()` makes the next read wait until released, to place bus messages inside it.
 */
class Log {
  readonly lines: Message[] = [];
  private gate: { open: Promise<void>; release: () => void } | undefined;

  commit(seq: number, echoId: string | null = null): Message {
    const m = line(seq, echoId);
    this.lines.push(m);
    return m;
  }

  hold(): () => void {
    let release!: () => void;
    const open = new Promise<void>((r) => {
      release = r;
    });
    this.gate = { open, release };
    return release;
  }

  readonly fetch = async (afterSeq: number): Promise<Message[]> => {
    const snapshot = this.lines.filter((m) => m.seq > afterSeq);
    const gate = this.gate;
    this.gate = undefined;
    if (gate) await gate.open;
    return snapshot;
  };
}

/** A stream over a log, recording the sequence numbers the socket was sent. */
function streamOver(log: Log, startAfter = 0) {
  const sent: number[] = [];
  const stream = new DeliveryStream(log.fetch, (m) => sent.push(m.seq), {
    startAfter,
    author: (m) => m.senderKind === 'visitor',
  });
  return { stream, sent };
}

describe('DeliveryStream', () => {
  it('a catch-up from where the stream started, after live lines arrived, sends none of them again', async () => {
    // The agent's socket listens to a chat it was just assigned; "… joined the chat." arrives live
    // before the catch-up from 0 that follows the listening.
    const log = new Log();
    const { stream, sent } = streamOver(log);
    stream.onLive(log.commit(1));
    await stream.resume(0);
    stream.onLive(log.commit(2));
    assert.deepEqual(sent, [1, 2]);
  });

  it('lines published while the catch-up reads are sent once, after what the read returned', async () => {
    const log = new Log();
    log.commit(1);
    const { stream, sent } = streamOver(log);
    const release = log.hold();
    const caughtUp = stream.resume(0);
    stream.onLive(log.commit(2));
    stream.onLive(log.lines[0]!);
    release();
    await caughtUp;
    stream.onLive(log.commit(3));
    assert.deepEqual(sent, [1, 2, 3]);
  });

  it('a resume for lines the socket was sent, or has on their way, sends nothing again', async () => {
    const log = new Log();
    const { stream, sent } = streamOver(log);
    for (let seq = 1; seq <= 3; seq++) stream.onLive(log.commit(seq));
    await stream.resume(1);
    stream.onLive(log.commit(4));
    assert.deepEqual(sent, [1, 2, 3, 4]);
  });

  it('a resume from before where the stream started sends the older lines once, and the rest live', async () => {
    // A console reconnects: its chats are followed from their last line, and it asks for what it missed.
    const log = new Log();
    for (let seq = 1; seq <= 3; seq++) log.commit(seq);
    const { stream, sent } = streamOver(log, 3);
    stream.onLive(log.commit(4));
    await stream.resume(0);
    stream.onLive(log.commit(5));
    assert.deepEqual(sent, [4, 1, 2, 3, 5], 'what was missing comes after what was live, each once');
  });

  it("the socket's own line read back from the store is not sent to it: its ack was", async () => {
    // The agent answers at once; the catch-up that follows listening reads the answer back.
    const log = new Log();
    const { stream, sent } = streamOver(log);
    log.commit(1);
    stream.sending('e-2');
    log.commit(2, 'e-2');
    await stream.resume(0);
    stream.onLive(log.lines[1]!, true);
    stream.onLive(log.commit(3, 'e-3'));
    assert.deepEqual(sent, [1, 3], "another socket's line with an echo id is sent");
    assert.equal(stream.position, 3);
  });

  it('own lines in flight together are each kept back once, in whatever order they come back', async () => {
    const log = new Log();
    const { stream, sent } = streamOver(log);
    for (const id of ['e-1', 'e-2', 'e-3']) stream.sending(id);
    stream.sending('e-2'); // sent again (a retry): still one line
    log.commit(1, 'e-3');
    log.commit(2, 'e-1');
    log.commit(3);
    log.commit(4, 'e-2');
    await stream.resume(0);
    assert.deepEqual(sent, [3], 'only the line this socket did not send');
    // The ids were passed: a later line with one of them is another socket's, and is sent.
    stream.onLive(log.commit(5, 'e-1'));
    stream.onLive(log.commit(6, 'e-2'));
    assert.deepEqual(sent, [3, 5, 6]);
  });

  it('a resume ahead of the stream skips to it', async () => {
    const log = new Log();
    for (let seq = 1; seq <= 3; seq++) log.commit(seq);
    const { stream, sent } = streamOver(log);
    await stream.resume(2);
    stream.onLive(log.commit(4));
    assert.deepEqual(sent, [3, 4]);
    assert.equal(stream.position, 4);
  });
});
