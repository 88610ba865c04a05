import type { AgentCallFrame, CallbackRequestFrame, CallClientFrame } from '@beckon/protocol/call-protocol';
import type { StaffCaller } from '../conversations/agent-chat-service.ts';
import type { CallEvent } from '../conversations/chat-events.ts';
import { badRequest } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CallRow } from '../store/calls-repo.ts';
import type { Store } from '../store/store.ts';
import type { CallService, Side } from './call-service.ts';
import type { CallMarks } from './call-sweeper.ts';
import type { CallbackScheduler } from './callbacks.ts';
import { iceServersFor } from './turn-credentials.ts';

/** One socket's side of its calls: the visitor's chat socket or an agent's console socket. */
export interface CallParty {
  side: Side;
  accountId: string;
  /** The visitor's conversation (visitor sockets). */
  conversationId?: string;
  /** The console's user (agent sockets). */
  caller?: StaffCaller & { userId: string };
  send(frame: object): void;
  /** Closes the socket with 4403 after an error frame. */
  forbid(message: string): void;
  /** Sends the `error` frame of a failed frame. */
  failed(err: unknown, ref?: string): void;
  /** Calls whose mark this socket holds. */
  marked: Set<string>;
  /** Set by `closed`: a socket closed while it was still opening (its calls being read) holds no mark. */
  closed?: boolean;
}

const OPEN_FOR_AGENT = new Set(['inviting', 'active', 'held']);

/** Whether a frame is one of the call frames. */
export const isCallFrame = (f: { type: string }): f is CallClientFrame => f.type.startsWith('call_');

/**
 * The call frames of both sockets: checks the sender's part in the call (none: 4403), runs the
 * command, and turns call events into frames, with ICE servers and time-limited TURN credentials.
 */
export class CallSockets {
  constructor(
    private readonly store: Store,
    readonly calls: CallService,
    private readonly marks: CallMarks,
    private readonly callbacks: CallbackScheduler,
    private readonly log: Logger,
  ) {}

  /** The visitor asks to be called back on their phone. */
  callback(party: CallParty, f: CallbackRequestFrame): void {
    const { type: _t, ref, ...input } = f;
    void this.store.conversations
      .get(party.accountId, party.conversationId!)
      .then((chat) => this.callbacks.request(party.accountId, chat, input))
      .then(
        () => {
          if (ref) party.send({ type: 'done', ref });
        },
        (err) => party.failed(err, ref),
      );
  }

  /** A call frame from either socket (`call_hold`, `call_transfer`, `call_warm` only reach here from agents). */
  frame(party: CallParty, f: AgentCallFrame): void {
    const ref = 'ref' in f ? f.ref : undefined;
    const fail = (err: unknown) => party.failed(err, ref);
    const done = () => {
      if (ref) party.send({ type: 'done', ref });
    };
    let work: Promise<unknown>;
    if (f.type !== 'call_start') {
      work = this.owned(party, f.callId).then((call) => call && this.run(party, f, call));
    } else if (party.side === 'agent') {
      work = f.conversationId
        ? this.calls.agentStart(party.caller!, f.conversationId)
        : Promise.reject(badRequest('conversationId is required'));
    } else if (f.conversationId && f.conversationId !== party.conversationId) {
      party.forbid('not your conversation');
      return;
    } else {
      work = this.store.conversations
        .get(party.accountId, party.conversationId!)
        .then((c) => this.calls.visitorStart(party.accountId, c));
    }
    work.then(done, fail);
  }

  /** The call if the sender has a part in it; otherwise the socket is closed with 4403 and undefined returned. */
  private async owned(party: CallParty, callId: string): Promise<CallRow | undefined> {
    const call = await this.calls.find(party.accountId, callId);
    const userId = party.caller?.userId;
    const part =
      call !== undefined &&
      (party.side === 'visitor'
        ? call.conversation_id === party.conversationId
        : call.agent_id === userId ||
          call.ringing_agent_id === userId ||
          (JSON.parse(call.tried) as string[]).includes(userId ?? ''));
    if (!part) {
      party.forbid('not your call');
      return undefined;
    }
    return call;
  }

  private async run(party: CallParty, f: AgentCallFrame, call: CallRow): Promise<unknown> {
    const { side, accountId } = party;
    const userId = party.caller?.userId;
    // Late signalling of a side that left the call (a transfer, a hang-up) is dropped quietly.
    const current = side === 'visitor' || call.agent_id === userId;
    switch (f.type) {
      case 'call_accept':
        return this.calls.accept(side, accountId, call.id, userId);
      case 'call_decline':
        return this.calls.decline(side, accountId, call.id, userId);
      case 'call_hangup':
        if (!current) return;
        return this.calls.hangup(side, accountId, call.id);
      case 'call_failed':
        if (!current) return;
        return this.calls.hangup(side, accountId, call.id, f.reason);
      case 'call_signal': {
        // A phone call the agent dials carries the console's offer (and candidates) while it rings.
        const dialling = call.state === 'inviting' && call.direction === 'outbound' && side === 'agent';
        if (!current || (call.state !== 'active' && call.state !== 'held' && !dialling)) return;
        this.calls.signal(call, side, {
          callId: call.id,
          leg: f.leg,
          ...(f.description ? { description: f.description } : {}),
          ...(f.candidate ? { candidate: f.candidate } : {}),
        });
        return;
      }
      case 'call_mute':
        if (current) this.calls.mute(call, side, f.muted);
        return;
      case 'call_hold':
        return this.calls.hold(accountId, call.id, userId!, f.held);
      case 'call_transfer':
        return this.calls.transfer(party.caller!, call.id, {
          ...(f.agentId ? { agentId: f.agentId } : {}),
          ...(f.skillId ? { skillId: f.skillId } : {}),
          ...(f.warm ? { warm: true } : {}),
        });
      case 'call_warm':
        return this.calls.warm(party.caller!, call.id, f.action);
      case 'call_start':
        return;
    }
  }

  /** A call event for a socket: the frame it shows, and the socket's mark on the call kept or let go. */
  event(party: CallParty, e: CallEvent): void {
    switch (e.t) {
      case 'call.updated': {
        const c = e.call;
        const mine =
          party.side === 'visitor'
            ? c.state !== 'ended'
            : c.agentId === party.caller?.userId && OPEN_FOR_AGENT.has(c.state);
        this.mark(party, c.id, mine);
        party.send({
          type: 'call',
          call: c,
          ...(c.state === 'ended' ? {} : { iceServers: this.iceServers(party) }),
          ...(e.conversation ? { conversation: e.conversation } : {}),
        });
        return;
      }
      case 'call.signal':
        if (e.from !== party.side) {
          const { t: _t, ...signal } = e;
          party.send({ type: 'call_signal', ...signal });
        }
        return;
      case 'call.media':
        if (e.from !== party.side)
          party.send({ type: 'call_media', callId: e.callId, from: e.from, muted: e.muted });
        return;
    }
  }

  /** A socket (re)connected: the calls it has a part in, as they stand. */
  async attached(party: CallParty): Promise<void> {
    const views =
      party.side === 'visitor'
        ? await this.store.calls
            .openIn(party.accountId, party.conversationId!)
            .then((r) => (r ? this.calls.view(r).then((v) => [v]) : []))
        : await this.calls.openFor(party.accountId, party.caller!.userId);
    for (const call of views) this.event(party, { t: 'call.updated', call });
  }

  /** The socket closed: its marks linger for the reconnect window, then its calls end as lost. */
  closed(party: CallParty): void {
    party.closed = true;
    for (const id of party.marked)
      this.marks.release(party.accountId, id, party.side === 'visitor' ? 'v' : 'a');
    party.marked.clear();
  }

  private mark(party: CallParty, callId: string, on: boolean): void {
    const side = party.side === 'visitor' ? 'v' : 'a';
    if (on && !party.closed && !party.marked.has(callId)) {
      party.marked.add(callId);
      this.marks.hold(party.accountId, callId, side);
    } else if (!on && party.marked.delete(callId)) this.marks.release(party.accountId, callId, side, true);
  }

  private iceServers(party: CallParty) {
    const id = party.side === 'visitor' ? `v-${party.conversationId}` : `a-${party.caller?.userId}`;
    try {
      return iceServersFor(this.calls.config, id);
    } catch (err) {
      this.log.warn({ err }, 'ice servers not computed');
      return [];
    }
  }
}
