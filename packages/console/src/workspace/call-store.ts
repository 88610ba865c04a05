/**
 * The agent's calls: their state from the `call` frames, and the audio. The console makes every
 * offer (a new peer connection per leg: a transferred call reaches a new agent as a new leg), and
 * restarts ICE when the connection breaks — a bounded number of times, then it ends the call as
 * lost, so neither side keeps a dead call. The microphone is asked for when the agent answers.
 */
import type { CallView, IceServer } from '@beckon/protocol/call-protocol';
import type { AgentServerFrame } from '@beckon/protocol/chat-protocol';
import { CallRecorder, canRecord, type RecordingState } from './call-recorder.ts';

type CallFrame = Extract<AgentServerFrame, { type: 'call' | 'call_signal' | 'call_media' }>;

export interface CallsState {
  /** Calls not over that concern this agent (ringing them, or theirs), by call id. */
  calls: Record<string, CallView>;
  /**
   * Conversations of calls ringing this agent (the visitor's context, for the ringing notice),
   * kept while the call is theirs: the bar of a call handed over warm names the caller with it.
   */
  ringingConversations: Record<string, { visitorName: string | null; skillId: string | null }>;
  muted: boolean;
  /** Calls whose visitor muted their microphone. */
  visitorMuted: Record<string, boolean>;
  /** Connection state of each call's audio (`connected`, `connecting`, `reconnecting`). */
  media: Record<string, string>;
  /** Recorded calls whose audio this console records (`failed`: an upload was refused). */
  recording: Record<string, RecordingState>;
  /** The last call that ended here, briefly shown. */
  ended: CallView | null;
  error: string | null;
}

interface Leg {
  pc: RTCPeerConnection;
  leg: number;
  restarts: number;
  timer?: number;
  early: RTCIceCandidateInit[];
}

/** ICE restarts tried before the call is given up as lost. */
const MAX_RESTARTS = 3;
const RESTART_AFTER_MS = 2500;

/** No calls: the state before the first `call` frame (and of users who take no chats). */
export const NO_CALLS: CallsState = {
  calls: {},
  ringingConversations: {},
  muted: false,
  visitorMuted: {},
  media: {},
  recording: {},
  ended: null,
  error: null,
};

export class CallStore {
  private state: CallsState = NO_CALLS;
  private readonly listeners = new Set<() => void>();
  private readonly legs = new Map<string, Leg>();
  /** Offers of the phone gateway that came before this console set up the call's leg. */
  private readonly offers = new Map<string, { leg: number; description: RTCSessionDescriptionInit }>();
  private mic: MediaStream | null = null;
  private ice: IceServer[] = [];
  private readonly audio = new Map<string, HTMLAudioElement>();
  private readonly recorders = new Map<string, CallRecorder>();

  constructor(
    readonly userId: string,
    private readonly send: (frame: object) => boolean,
    private readonly request: (frame: Record<string, unknown>) => Promise<void>,
  ) {}

  getState = (): CallsState => this.state;
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  private set(patch: Partial<CallsState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** The call in a conversation, if one concerns this agent. */
  inConversation(s: CallsState, conversationId: string): CallView | undefined {
    return Object.values(s.calls).find((c) => c.conversationId === conversationId);
  }

  onFrame(f: CallFrame): void {
    if (f.type === 'call_media') {
      this.set({ visitorMuted: { ...this.state.visitorMuted, [f.callId]: f.muted } });
      return;
    }
    if (f.type === 'call_signal') {
      void this.onSignal(f).catch(() => {});
      return;
    }
    if (f.iceServers) this.ice = f.iceServers;
    const c = f.call;
    // The agent handing a phone call over warm keeps it, and their audio, until it completes.
    const handing = c.warm?.fromId === this.userId && (c.state === 'ringing' || c.state === 'active');
    const mine =
      handing ||
      (c.agentId === this.userId && (c.state === 'active' || c.state === 'held' || c.state === 'inviting'));
    const ringing = c.state === 'ringing' && c.ringingAgentId === this.userId;
    const calls = { ...this.state.calls };
    const ringingConversations = { ...this.state.ringingConversations };
    const had = calls[c.id];
    if (mine || ringing) calls[c.id] = c;
    else delete calls[c.id];
    const conv = f.conversation as { visitorName?: string | null; skillId?: string | null } | undefined;
    if (ringing && conv)
      ringingConversations[c.id] = { visitorName: conv.visitorName ?? null, skillId: conv.skillId ?? null };
    if (!(mine || ringing)) delete ringingConversations[c.id];
    this.set({ calls, ringingConversations, ended: had && !(mine || ringing) ? c : this.state.ended });
    // A phone call this agent dials needs the console's offer before the phone can ring.
    const dialling = c.state === 'inviting' && c.phone?.direction === 'outbound';
    const kept = this.legs.get(c.id);
    // The same peer connection goes on: the gateway relays it to the next agent, then back.
    if (handing && kept) kept.leg = c.leg;
    else if (mine && (c.state !== 'inviting' || dialling)) void this.media(c).catch((err) => this.fail(err));
    else this.hangupMedia(c.id);
    if (c.state === 'held' || c.state === 'active') this.applyTracks(c.state === 'held');
  }

  // ——— commands ———

  accept(callId: string): Promise<void> {
    return this.request({ type: 'call_accept', callId });
  }
  decline(callId: string): Promise<void> {
    return this.request({ type: 'call_decline', callId });
  }
  /** Invites the visitor of a chat this agent holds to switch to a call. */
  start(conversationId: string): Promise<void> {
    return this.request({ type: 'call_start', conversationId });
  }
  hangup(callId: string): Promise<void> {
    return this.request({ type: 'call_hangup', callId });
  }
  hold(callId: string, held: boolean): Promise<void> {
    return this.request({ type: 'call_hold', callId, held });
  }
  /** Moves the call; `warm` (a phone call): talk to the next agent first, the caller on hold. */
  transfer(callId: string, to: { agentId: string } | { skillId: string }, warm = false): Promise<void> {
    return this.request({ type: 'call_transfer', callId, ...to, ...(warm ? { warm } : {}) });
  }
  /** Hands a warm transfer's caller to the next agent, or takes them back. */
  warm(callId: string, action: 'complete' | 'cancel'): Promise<void> {
    return this.request({ type: 'call_warm', callId, action });
  }
  /** Sends key tones on a phone call (RFC 4733 events the gateway passes to the trunk). */
  dtmf(callId: string, tones: string): void {
    const sender = this.legs
      .get(callId)
      ?.pc.getSenders()
      .find((s) => s.track?.kind === 'audio');
    sender?.dtmf?.insertDTMF(tones, 120, 70);
  }

  toggleMute(callId: string): void {
    const muted = !this.state.muted;
    this.set({ muted });
    this.applyTracks(this.state.calls[callId]?.state === 'held');
    this.send({ type: 'call_mute', callId, muted });
  }
  dismissEnded(): void {
    this.set({ ended: null, error: null });
  }

  /** Sockets came back: a call whose audio broke meanwhile restarts ICE at once. */
  reconnected(): void {
    for (const [callId, leg] of this.legs)
      if (leg.pc.connectionState !== 'connected') void this.restart(callId, leg);
  }

  stop(): void {
    for (const id of [...this.legs.keys()]) this.hangupMedia(id);
    for (const t of this.mic?.getTracks() ?? []) t.stop();
    this.mic = null;
  }

  // ——— media ———

  private applyTracks(held: boolean): void {
    for (const t of this.mic?.getAudioTracks() ?? []) t.enabled = !this.state.muted && !held;
  }

  private async media(c: CallView): Promise<void> {
    const current = this.legs.get(c.id);
    if (current && current.leg === c.leg) return;
    this.hangupMedia(c.id);
    if (!this.mic) {
      try {
        this.mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch {
        this.set({ error: 'The browser did not allow the microphone, so the call could not go on.' });
        this.send({ type: 'call_failed', callId: c.id, reason: 'microphone_denied' });
        return;
      }
    }
    const pc = new RTCPeerConnection({ iceServers: this.ice as RTCIceServer[] });
    const leg: Leg = { pc, leg: c.leg, restarts: 0, early: [] };
    this.legs.set(c.id, leg);
    for (const t of this.mic.getTracks()) pc.addTrack(t, this.mic);
    this.applyTracks(c.state === 'held');
    pc.onicecandidate = (e) => {
      if (e.candidate)
        this.send({ type: 'call_signal', callId: c.id, leg: c.leg, candidate: e.candidate.toJSON() });
    };
    pc.ontrack = (e) => {
      const audio = this.audio.get(c.id) ?? new Audio();
      audio.autoplay = true;
      audio.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      this.audio.set(c.id, audio);
      void audio.play().catch(() => {});
      if (c.recorded) this.record(c.id, audio.srcObject);
    };
    pc.onconnectionstatechange = () => this.onConnection(c.id, leg);
    this.setMedia(c.id, 'connecting');
    // The phone gateway offers an inbound phone call; the console answers it.
    if (c.phone?.direction !== 'inbound') return this.offer(c.id, leg);
    const early = this.offers.get(c.id);
    this.offers.delete(c.id);
    if (early && early.leg === c.leg) await this.answer(c.id, leg, early.description);
  }

  private async answer(callId: string, leg: Leg, offer: RTCSessionDescriptionInit): Promise<void> {
    await leg.pc.setRemoteDescription(offer);
    const answer = await leg.pc.createAnswer();
    await leg.pc.setLocalDescription(answer);
    this.send({
      type: 'call_signal',
      callId,
      leg: leg.leg,
      description: { type: 'answer', sdp: answer.sdp ?? '' },
    });
  }

  private async offer(callId: string, leg: Leg, iceRestart = false): Promise<void> {
    const offer = await leg.pc.createOffer(iceRestart ? { iceRestart: true } : {});
    await leg.pc.setLocalDescription(offer);
    this.send({
      type: 'call_signal',
      callId,
      leg: leg.leg,
      description: { type: 'offer', sdp: offer.sdp ?? '' },
    });
  }

  private onConnection(callId: string, leg: Leg): void {
    const s = leg.pc.connectionState;
    if (s === 'connected') {
      leg.restarts = 0;
      window.clearTimeout(leg.timer);
      leg.timer = undefined;
      this.setMedia(callId, 'connected');
    } else if ((s === 'disconnected' || s === 'failed') && leg.timer === undefined) {
      this.setMedia(callId, 'reconnecting');
      leg.timer = window.setTimeout(() => {
        leg.timer = undefined;
        void this.restart(callId, leg);
      }, RESTART_AFTER_MS);
    }
  }

  private async restart(callId: string, leg: Leg): Promise<void> {
    if (this.legs.get(callId) !== leg || leg.pc.connectionState === 'connected') return;
    if (leg.restarts >= MAX_RESTARTS) {
      this.send({ type: 'call_failed', callId, reason: 'network_lost' });
      return;
    }
    leg.restarts++;
    // A phone call's media path is the gateway's to restart: the console only waits, then gives up.
    if (!this.state.calls[callId]?.phone) await this.offer(callId, leg, true).catch(() => {});
    leg.timer = window.setTimeout(() => {
      leg.timer = undefined;
      void this.restart(callId, leg);
    }, RESTART_AFTER_MS * 2);
  }

  private async onSignal(f: Extract<CallFrame, { type: 'call_signal' }>): Promise<void> {
    const leg = this.legs.get(f.callId);
    if (f.description?.type === 'offer') {
      if (leg && leg.leg === f.leg) await this.answer(f.callId, leg, f.description);
      else this.offers.set(f.callId, { leg: f.leg, description: f.description });
      return;
    }
    if (!leg || leg.leg !== f.leg) return;
    if (f.description?.type === 'answer') {
      await leg.pc.setRemoteDescription(f.description);
      for (const c of leg.early) await leg.pc.addIceCandidate(c).catch(() => {});
      leg.early = [];
    } else if (f.candidate) {
      if (leg.pc.remoteDescription) await leg.pc.addIceCandidate(f.candidate).catch(() => {});
      else leg.early.push(f.candidate);
    }
  }

  /** Starts recording a recorded call once the visitor's audio arrives (the visitor was told). */
  private record(callId: string, remote: MediaStream): void {
    if (this.recorders.has(callId) || !this.mic || !canRecord()) return;
    try {
      const r = new CallRecorder(callId, this.mic, remote, (state) =>
        this.set({ recording: { ...this.state.recording, [callId]: state } }),
      );
      this.recorders.set(callId, r);
    } catch {
      this.set({ recording: { ...this.state.recording, [callId]: 'failed' } });
    }
  }

  private hangupMedia(callId: string): void {
    const recorder = this.recorders.get(callId);
    if (recorder) {
      this.recorders.delete(callId);
      void recorder.stop();
      const { [callId]: _done, ...recording } = this.state.recording;
      this.set({ recording });
    }
    const leg = this.legs.get(callId);
    if (leg) {
      window.clearTimeout(leg.timer);
      leg.pc.close();
      this.legs.delete(callId);
    }
    const audio = this.audio.get(callId);
    if (audio) audio.srcObject = null;
    this.audio.delete(callId);
    if (this.state.media[callId]) {
      const { [callId]: _gone, ...media } = this.state.media;
      this.set({ media });
    }
    if (this.legs.size === 0 && Object.keys(this.state.calls).length === 0) {
      for (const t of this.mic?.getTracks() ?? []) t.stop();
      this.mic = null;
      if (this.state.muted) this.set({ muted: false });
    }
  }

  private setMedia(callId: string, state: string): void {
    this.set({ media: { ...this.state.media, [callId]: state } });
  }

  private fail(err: unknown): void {
    this.set({
      error: `The call's audio could not start: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
}
