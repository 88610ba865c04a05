import type { CallView, IceServer } from '@beckon/protocol/call-protocol';
import type { VisitorServerFrame } from '@beckon/protocol/chat-protocol';
import { h, icon } from '../dom.ts';
import { t } from '../i18n/i18n.ts';
import { callbackForm } from './callback-form.ts';

type CallFrame = Extract<VisitorServerFrame, { type: 'call' | 'call_signal' | 'call_media' | 'error' }>;

export interface CallControllerOptions {
  slot: HTMLElement;
  /** Sends a call frame over the chat socket; false while it is not connected. */
  send(frame: object): boolean;
  /** The site records its calls (before a call exists; a call's own view says it after). */
  recorded(): boolean;
  announce(text: string): void;
}

/** The visitor's side of calls: the strip under the panel's header, the microphone and the peer connection. */
export interface CallController {
  /** The visitor asked to call: the explanation first, then the microphone, then the call. */
  start(): void;
  onFrame(f: CallFrame): void;
  /** Whether a call is going on (the header's button hides). */
  readonly busy: boolean;
  close(): void;
}

/** How long the connection may stay broken before the visitor's side gives the call up (ms). */
const LOST_AFTER_MS = 15_000;
const clock = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * WebRTC audio with the agent's console. The agent's console makes every offer (a new one per
 * leg: a transfer brings a new agent and a new peer connection); this side answers. The
 * microphone is asked for only when the visitor starts or accepts a call, after saying why.
 */
export function createCallController(opts: CallControllerOptions): CallController {
  const { slot, send, announce } = opts;
  const RECORDED = t('This call is recorded.');
  /** The recording notice, shown whenever a recorded call is explained, rings or runs. */
  const notice = (on: boolean) => (on ? h('p', { class: 'recorded', 'data-recorded': '' }, RECORDED) : '');
  let call: CallView | null = null;
  let ice: IceServer[] = [];
  let mic: MediaStream | null = null;
  let pc: RTCPeerConnection | null = null;
  let leg = 0;
  let early: RTCIceCandidateInit[] = [];
  let muted = false;
  let ticker = 0;
  let brokenTimer = 0;
  const audio = h('audio', { autoplay: true });

  const strip = (...children: (Node | string)[]) =>
    slot.replaceChildren(h('div', { class: 'call' }, ...children), audio);
  const btn = (label: string, run: () => void, cls = 'secondary') =>
    h('button', { class: `btn ${cls}`, type: 'button', onclick: run }, label);
  const frame = (type: string, extra: object = {}) => send({ type, callId: call?.id, ...extra });

  const denied = () => {
    strip(
      icon('alert', 18),
      h(
        'p',
        { class: 'text' },
        t(
          'Your browser did not allow the microphone, so we cannot call. You can keep chatting here, or allow the microphone in your browser’s site settings and try again.',
        ),
      ),
      btn(t('OK'), () => slot.replaceChildren()),
    );
    announce(t('Microphone not allowed. The chat goes on.'));
  };

  /** Asks for the microphone after the explanation; false when the visitor or the browser said no. */
  const microphone = async (): Promise<boolean> => {
    if (mic) return true;
    try {
      mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      return true;
    } catch {
      return false;
    }
  };

  const explain = (title: string, go: string, run: () => void, cancel: () => void, recorded: boolean) =>
    strip(
      icon('phone', 18),
      h(
        'div',
        { class: 'text' },
        h('strong', {}, title),
        h(
          'p',
          {},
          t(
            'Your browser will ask to use your microphone. It is used only during the call; you can mute or hang up at any time.',
          ),
        ),
        notice(recorded),
      ),
      btn(go, run, 'primary'),
      btn(t('Not now'), cancel),
    );

  const stopMedia = () => {
    pc?.close();
    pc = null;
    for (const k of mic?.getTracks() ?? []) k.stop();
    mic = null;
    clearInterval(ticker);
    clearTimeout(brokenTimer);
    ticker = 0;
    audio.srcObject = null;
  };

  const peer = (n: number) => {
    pc?.close();
    leg = n;
    early = [];
    const p = new RTCPeerConnection({ iceServers: ice as RTCIceServer[] });
    pc = p;
    for (const k of mic?.getTracks() ?? []) p.addTrack(k, mic!);
    p.onicecandidate = (e) => {
      if (e.candidate) frame('call_signal', { leg: n, candidate: e.candidate.toJSON() });
    };
    p.ontrack = (e) => {
      audio.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      void audio.play().catch(() => {});
    };
    // A broken connection gets the agent's ICE restarts for a while; then this side gives up.
    p.onconnectionstatechange = () => {
      const s = p.connectionState;
      if (s === 'connected') clearTimeout(brokenTimer);
      else if ((s === 'disconnected' || s === 'failed') && !brokenTimer)
        brokenTimer = window.setTimeout(() => {
          brokenTimer = 0;
          if (pc === p && p.connectionState !== 'connected') frame('call_failed', { reason: 'network_lost' });
        }, LOST_AFTER_MS);
    };
    return p;
  };

  const onSignal = async (f: Extract<CallFrame, { type: 'call_signal' }>) => {
    if (!call || f.callId !== call.id) return;
    if (f.description?.type === 'offer') {
      const p = pc && leg === f.leg ? pc : peer(f.leg);
      await p.setRemoteDescription(f.description);
      for (const c of early) await p.addIceCandidate(c).catch(() => {});
      early = [];
      const answer = await p.createAnswer();
      await p.setLocalDescription(answer);
      frame('call_signal', { leg: f.leg, description: { type: 'answer', sdp: answer.sdp ?? '' } });
    } else if (f.candidate && f.leg === leg) {
      if (pc?.remoteDescription) await pc.addIceCandidate(f.candidate).catch(() => {});
      else early.push(f.candidate);
    }
  };

  /** After a missed call: a phone number, a time window and a topic; an agent calls back then. */
  const askCallback = () => {
    const { view, focusTarget } = callbackForm(async (body) => {
      if (!send({ type: 'callback_request', ref: 'call-callback', ...body }))
        throw new Error(t('Not connected. Please try again.'));
      strip(
        icon('phone', 18),
        h('p', { class: 'text' }, t('Thanks: we will call you back then.')),
        btn(t('OK'), () => slot.replaceChildren()),
      );
    });
    strip(view);
    focusTarget.focus();
  };

  const talking = (c: CallView) => {
    const time = h('span', { class: 'timer', 'aria-label': t('Call time') });
    const since = Date.parse(c.answeredAt ?? c.requestedAt);
    const tick = () => {
      time.textContent = clock(Date.now() - since);
    };
    tick();
    clearInterval(ticker);
    ticker = window.setInterval(tick, 1000);
    const mute = btn(muted ? t('Unmute') : t('Mute'), () => {
      muted = !muted;
      for (const k of mic?.getAudioTracks() ?? []) k.enabled = !muted && c.state !== 'held';
      mute.textContent = muted ? t('Unmute') : t('Mute');
      mute.setAttribute('aria-pressed', String(muted));
      frame('call_mute', { muted });
    });
    mute.setAttribute('aria-pressed', String(muted));
    strip(
      icon('phone', 18),
      h(
        'div',
        { class: 'text' },
        h(
          'strong',
          {},
          c.state === 'held'
            ? t('On hold')
            : t('On a call with {name}', { name: c.agentName ?? t('an agent') }),
        ),
        time,
        notice(c.recorded),
      ),
      mute,
      btn(t('Hang up'), () => frame('call_hangup'), 'danger'),
    );
  };

  const show = async (c: CallView) => {
    const before = call;
    call = c;
    switch (c.state) {
      case 'ringing':
        clearInterval(ticker);
        strip(
          icon('phone', 18),
          h(
            'div',
            { class: 'text' },
            h('strong', {}, c.answeredAt ? t('Transferring your call…') : t('Calling…')),
            h('p', {}, t('Waiting for an agent to answer.')),
            notice(c.recorded),
          ),
          btn(t('Cancel'), () => frame('call_hangup')),
        );
        return;
      case 'inviting':
        if (before?.id === c.id && before.state === 'inviting') return;
        announce(t('{name} would like to switch to a call.', { name: c.agentName ?? t('The agent') }));
        explain(
          t('{name} would like to switch to a call', { name: c.agentName ?? t('The agent') }),
          t('Accept call'),
          async () => {
            if (await microphone()) frame('call_accept');
            else {
              frame('call_failed', { reason: 'microphone_denied' });
              denied();
            }
          },
          () => frame('call_decline'),
          c.recorded,
        );
        return;
      case 'active':
      case 'held':
        // After a reload the microphone is asked for again (the browser remembers the answer).
        if (!mic && !(await microphone())) {
          frame('call_failed', { reason: 'microphone_denied' });
          return denied();
        }
        for (const k of mic?.getAudioTracks() ?? []) k.enabled = !muted && c.state !== 'held';
        if (before?.state !== c.state || before.leg !== c.leg)
          announce(
            c.state === 'held'
              ? t('The call is on hold.')
              : `${t('On a call with {name}.', { name: c.agentName ?? t('an agent') })}${c.recorded ? ` ${RECORDED}` : ''}`,
          );
        talking(c);
        return;
      case 'ended': {
        stopMedia();
        call = null;
        muted = false;
        const missed = c.answeredAt === null && (c.endReason === 'unanswered' || c.endReason === 'no_agent');
        const text = missed
          ? t('No one could take the call right now. You can keep chatting here.')
          : c.endReason === 'declined' || c.endReason === 'microphone_denied'
            ? ''
            : t('Call ended.');
        if (!text) {
          if (c.endReason === 'declined') slot.replaceChildren();
          return;
        }
        announce(text);
        strip(
          icon('phone', 18),
          h('p', { class: 'text' }, text),
          missed ? btn(t('Call me back'), askCallback) : '',
          btn(t('OK'), () => slot.replaceChildren()),
        );
        return;
      }
    }
  };

  return {
    get busy() {
      return call !== null;
    },
    start() {
      explain(
        t('Call us from your browser'),
        t('Start call'),
        async () => {
          if (!(await microphone())) return denied();
          strip(h('p', { class: 'text' }, t('Calling…')));
          if (!send({ type: 'call_start', ref: 'call-start' })) stopMedia();
        },
        () => slot.replaceChildren(),
        opts.recorded(),
      );
    },
    onFrame(f) {
      if (f.type === 'call') {
        if (f.iceServers) ice = f.iceServers;
        void show(f.call);
      } else if (f.type === 'call_signal') void onSignal(f).catch(() => {});
      else if (f.type === 'call_media' && call)
        announce(f.muted ? t('The agent muted their microphone.') : t('The agent unmuted.'));
      else if (f.type === 'error') {
        stopMedia();
        strip(
          h(
            'p',
            { class: 'text' },
            f.code === 'rate_limited'
              ? t('Too many calls in a short time. Please wait a minute.')
              : f.message,
          ),
          btn(t('OK'), () => slot.replaceChildren()),
        );
      }
    },
    close() {
      stopMedia();
      slot.replaceChildren();
    },
  };
}
