import type { HubLeg } from './phone-hub.ts';

/**
 * The hub's side of a phone call's hold and transfer (docs/phone.md, "Hold and transfer"). The
 * caller's leg stays in the hub; agents' legs come and go. Hold and a warm transfer play music
 * to the caller; a cold transfer tells them their place in line, then music, as in the queue.
 */
export interface HubCall {
  /** The caller's leg. */
  hub?: HubLeg;
  /** The leg of the agent the call is with (during a warm transfer: the next agent's). */
  agentLeg?: HubLeg;
  /** During a warm transfer: the leg of the agent who hands the call over. */
  warmLeg?: HubLeg;
}

const MUSIC = [{ music: true as const }];

/** The agent put the caller on hold (music, nobody hears them) or took them back. */
export function holdCaller(call: HubCall, held: boolean): void {
  if (!call.hub || call.hub.ended) return;
  void call.hub.mode(held ? 'hold' : 'talk');
  if (held) call.hub.loop(MUSIC);
}

/**
 * The call left its agent. Cold: their leg closes, and the caller waits as in the queue
 * (`wait`). Warm: their leg stays, to talk to the next agent; the caller hears music.
 */
export function callTransferred(call: HubCall, warm: boolean, wait: () => void): void {
  const leg = call.agentLeg;
  call.agentLeg = undefined;
  if (warm) {
    call.warmLeg = leg;
    if (call.hub && !call.hub.ended) {
      void call.hub.mode('consult');
      call.hub.loop(MUSIC);
    }
    return;
  }
  void leg?.close().catch(() => {});
  wait();
}

/**
 * A warm transfer ended. Completed: the next agent's leg talks to the caller (or, when nobody
 * answered yet, the caller waits as in a cold transfer); the first agent's leg closes.
 * Otherwise the caller is the first agent's again, and the next agent's leg closes.
 */
export function warmEnded(call: HubCall, completed: boolean, wait: () => void): void {
  const first = call.warmLeg;
  call.warmLeg = undefined;
  if (completed) {
    void first?.close().catch(() => {});
    if (call.agentLeg) void call.hub?.mode('talk', true);
    else wait();
    return;
  }
  const next = call.agentLeg;
  call.agentLeg = first;
  void next?.close().catch(() => {});
  void call.hub?.mode('talk');
}
