import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { StoredLine } from './chaos-cluster.ts';

/** One acknowledged send: what the sender was told was stored. */
export interface AckedLine {
  side: 'visitor' | 'agent';
  echoId: string;
  text: string;
  seq: number;
  /** When the ack arrived (ms since the epoch). */
  at: number;
}

/** What one socket received of a conversation: sequence numbers in arrival order. */
export class DeliveryLog {
  readonly seqs: number[] = [];
  duplicates = 0;
  outOfOrder = 0;
  private readonly seen = new Set<number>();

  record(seq: number): void {
    if (this.seen.has(seq)) this.duplicates++;
    else if (this.seqs.length > 0 && seq < this.seqs.at(-1)!) this.outOfOrder++;
    this.seen.add(seq);
    this.seqs.push(seq);
  }

  has(seq: number): boolean {
    return this.seen.has(seq);
  }
}

/** Records every `message` frame of one conversation on a visitor's socket. */
export function logVisitorDelivery(v: VisitorChatClient): DeliveryLog {
  const log = new DeliveryLog();
  v.frames.on((f) => {
    if (f.type === 'message') log.record(f.message.seq);
  });
  return log;
}

/** Records every `message` frame of one conversation on an agent's socket. */
export function logAgentDelivery(a: AgentChatClient, conversationId: string): DeliveryLog {
  const log = new DeliveryLog();
  a.frames.on((f) => {
    if (f.type === 'message' && f.message.conversationId === conversationId) log.record(f.message.seq);
  });
  return log;
}

/**
 * Both sides of one conversation sending in a loop (each side waits for its ack, or at most
 * `ackWaitMs`, then sends the next), recording what was acknowledged and when. A send that is
 * refused with an error frame counts as refused; one that is acknowledged late still counts.
 */
export class ChatTraffic {
  readonly acked: AckedLine[] = [];
  sent = 0;
  refused = 0;
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    readonly conversationId: string,
    private readonly visitor: VisitorChatClient,
    private readonly agent: AgentChatClient,
    private readonly o: { intervalMs: number; ackWaitMs: number; tag: string },
  ) {
    this.loops = [this.loop('visitor'), this.loop('agent')];
  }

  private async loop(side: 'visitor' | 'agent'): Promise<void> {
    for (let n = 0; this.running; n++) {
      const text = `${this.o.tag}-${side}-${n}`;
      const echoId = `${this.o.tag}-${side[0]}${n}-${Math.random().toString(36).slice(2, 8)}`;
      this.sent++;
      const p =
        side === 'visitor'
          ? this.visitor.send(text, echoId)
          : this.agent.send(this.conversationId, text, { echoId });
      const done = p.then(
        (ack) => {
          this.acked.push({ side, echoId, text, seq: ack.seq, at: Date.now() });
        },
        () => {
          this.refused++;
        },
      );
      await Promise.race([done, sleep(this.o.ackWaitMs)]);
      await sleep(this.o.intervalMs);
    }
  }

  /** Acknowledged lines whose ack arrived within [from, to]. */
  ackedBetween(from: number, to: number): AckedLine[] {
    return this.acked.filter((a) => a.at >= from && a.at <= to);
  }

  /** Stops sending (sends still waiting for an ack may yet be acknowledged). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

/**
 * What the store holds against what was acknowledged: lost (acked, not stored under its echo id
 * with its seq and text), duplicated (an echo id stored twice) and gaps in the sequence numbers.
 */
export function compareWithStore(acked: AckedLine[], stored: StoredLine[]) {
  const byEcho = new Map<string, StoredLine[]>();
  for (const s of stored) {
    if (!s.echoId) continue;
    byEcho.set(s.echoId, [...(byEcho.get(s.echoId) ?? []), s]);
  }
  const lost = acked.filter((a) => {
    const rows = byEcho.get(a.echoId) ?? [];
    return !rows.some((r) => r.seq === a.seq && r.body === a.text);
  });
  const duplicated = [...byEcho.values()].filter((rows) => rows.length > 1).length;
  const gaps = stored.filter((s, i) => s.seq !== i + 1).length;
  return { lost, duplicated, gaps };
}
