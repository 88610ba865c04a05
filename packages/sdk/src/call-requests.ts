import type { CallView } from '@beckon/protocol/call-protocol';
import { ChatRequestError, clientId, type FrameSocket } from './frame-socket.ts';

type AnyFrame = { type: string; ref?: string; code?: string; message?: string };

/**
 * Call commands over either chat socket (tests, benchmarks, other apps): each sends one call frame
 * with a `ref` and resolves on its `done` (rejects with its `error`).
 */
export class CallRequests {
  constructor(private readonly socket: FrameSocket<{ type: string }>) {}

  request(frame: Record<string, unknown>, timeoutMs = 10_000): Promise<void> {
    const ref = clientId('c');
    const answer = this.socket.next<AnyFrame>(
      (f) => (f.type === 'done' || f.type === 'error') && (f as AnyFrame).ref === ref,
      timeoutMs,
    );
    this.socket.send({ ...frame, ref });
    return answer.then((f) => {
      if (f.type === 'error') throw new ChatRequestError(f.code ?? 'error', f.message ?? '');
    });
  }

  /** Sends a frame that gets no answer (`call_signal`, `call_mute`). */
  send(frame: Record<string, unknown>): void {
    this.socket.send(frame);
  }

  /** Waits for a `call` frame whose call matches. */
  async nextCall(match: (c: CallView) => boolean, timeoutMs = 5000): Promise<CallView> {
    const f = await this.socket.next<{ type: 'call'; call: CallView }>(
      (x) => x.type === 'call' && match((x as unknown as { call: CallView }).call),
      timeoutMs,
    );
    return f.call;
  }

  start(conversationId?: string): Promise<void> {
    return this.request({ type: 'call_start', ...(conversationId ? { conversationId } : {}) });
  }
  accept(callId: string): Promise<void> {
    return this.request({ type: 'call_accept', callId });
  }
  decline(callId: string): Promise<void> {
    return this.request({ type: 'call_decline', callId });
  }
  hangup(callId: string): Promise<void> {
    return this.request({ type: 'call_hangup', callId });
  }
  hold(callId: string, held: boolean): Promise<void> {
    return this.request({ type: 'call_hold', callId, held });
  }
  transfer(callId: string, to: { agentId?: string; skillId?: string }): Promise<void> {
    return this.request({ type: 'call_transfer', callId, ...to });
  }
}
