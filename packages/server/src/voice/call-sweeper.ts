import type { Bus } from '../bus/bus.ts';
import { PresenceSet } from '../conversations/presence-set.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { CallService } from './call-service.ts';

/**
 * Which sides of which calls have a live socket, across nodes: a visitor socket marks
 * `<call>#v`, the console of the call's agent `<call>#a`. A mark outlives its socket by the
 * reconnect window, so a reload or a lost network that comes back keeps the call; a dead
 * node's marks fade out after the same time.
 */
export class CallMarks {
  private readonly set: PresenceSet;

  constructor(bus: Bus, log: Logger, reconnectMs: number) {
    this.set = new PresenceSet(bus, log, {
      setOf: (accountId) => `voice.calls.${accountId}`,
      ttlMs: reconnectMs,
      lingerMs: reconnectMs,
    });
  }

  hold(accountId: string, callId: string, side: 'v' | 'a'): void {
    void this.set.hold(accountId, `${callId}#${side}`).catch(() => {});
  }

  release(accountId: string, callId: string, side: 'v' | 'a', gone = false): void {
    void this.set.release(accountId, `${callId}#${side}`, gone).catch(() => {});
  }

  members(accountId: string): Promise<Set<string>> {
    return this.set.members(accountId);
  }

  stop(): void {
    this.set.stop();
  }
}

/**
 * Ends calls nobody can hear any more, on whichever node runs it (every change is a
 * compare-and-set, so two nodes sweeping at once do no harm): a side whose mark is gone for the
 * reconnect window (the socket closed, the network or the node died), a call whose conversation
 * closed; and rings again a call whose ring deadline passed on a node that died. So no call
 * leaves an agent busy after it is over.
 */
export class CallSweeper {
  private readonly timer: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly store: Store,
    private readonly calls: CallService,
    private readonly marks: CallMarks,
    private readonly reconnectMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.sweep(), Math.min(2000, Math.max(100, reconnectMs / 2)));
    this.timer.unref();
  }

  /** One pass (tests call it directly). */
  async sweep(now = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const open = await this.store.calls.open();
      const marks = new Map<string, Set<string>>();
      for (const call of open) {
        if (call.conversation_status === 'closed' || call.conversation_status === null) {
          await this.calls.end(call, 'system', 'conversation_closed');
          continue;
        }
        if (call.state === 'ringing' && Number(call.ring_deadline ?? now) < now - 1000) {
          await this.calls.ringTimedOut(call.account_id, call.id, call.ringing_agent_id ?? '');
          continue;
        }
        if (Number(call.updated_at) > now - this.reconnectMs) continue;
        let here = marks.get(call.account_id);
        if (!here) {
          here = await this.marks.members(call.account_id);
          marks.set(call.account_id, here);
        }
        const agentSide = call.state !== 'ringing';
        if (!here.has(`${call.id}#v`) || (agentSide && !here.has(`${call.id}#a`))) {
          this.log.info({ callId: call.id, state: call.state }, 'call ended: a side is gone');
          await this.calls.end(call, 'system', 'network_lost');
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'call sweep failed');
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
