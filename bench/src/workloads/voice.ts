// W10 voice: the signalling capacity of one node (SQLite, default settings, rate limits off).
// P visitors each have a conversation with their own agent (skill i → agent i, as in W3). One
// call set-up is: the visitor's `call_start` → the agent's console rings → `call_accept` → both
// see the call active → the agent's SDP offer reaches the visitor → the visitor's answer and an
// ICE candidate reach the agent; then either side hangs up and the pair starts again. Set-up time
// runs from the visitor's `call_start` to the agent holding the answer (both sides connected, as
// far as signalling goes). Node has no WebRTC stack, so the clients answer with canned SDP: the
// figure is the server's part of a set-up (routing, stored state, relays), not ICE or DTLS.
// A closed loop (each pair set up → hang up → again, as fast as it goes) finds the maximum;
// a paced run at half of it measures set-up time.
// Knobs: --pairs (default 50), --warmup seconds (2), --paced-seconds (duration).
import type { CallPeerSignalFrame } from '../../../packages/protocol/src/call-protocol.ts';
import { AgentChatClient } from '../../../packages/sdk/src/agent-client.ts';
import { CallRequests } from '../../../packages/sdk/src/call-requests.ts';
import { VisitorChatClient } from '../../../packages/sdk/src/chat-client.ts';
import { type BeckonNodes, startBeckonNodes } from '../servers/beckon-nodes.ts';
import { percentile, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';

const SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:bench\r\na=ice-pwd:benchbenchbenchbenchbench\r\na=fingerprint:sha-256 ${'AB:'.repeat(31)}AB\r\na=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n`;
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

interface Pair {
  visitor: VisitorChatClient;
  agent: AgentChatClient;
  v: CallRequests;
  a: CallRequests;
}

type Signal = CallPeerSignalFrame;

/** One set-up and hang-up; resolves with the set-up time (ms). */
async function setUp(p: Pair): Promise<number> {
  const t0 = performance.now();
  const ringing = p.a.nextCall((c) => c.state === 'ringing', 15_000);
  p.v.send({ type: 'call_start' });
  const call = await ringing;
  const active = p.a.nextCall((c) => c.id === call.id && c.state === 'active', 15_000);
  const offered = p.visitor.frames.next<Signal>(
    (f) => f.type === 'call_signal' && (f as Signal).description?.type === 'offer',
    15_000,
  );
  p.a.send({ type: 'call_accept', callId: call.id });
  const { leg } = await active;
  p.a.send({ type: 'call_signal', callId: call.id, leg, description: { type: 'offer', sdp: SDP } });
  await offered;
  const answered = p.agent.frames.next<Signal>(
    (f) => f.type === 'call_signal' && (f as Signal).description?.type === 'answer',
    15_000,
  );
  p.v.send({ type: 'call_signal', callId: call.id, leg, candidate: CANDIDATE });
  p.v.send({ type: 'call_signal', callId: call.id, leg, description: { type: 'answer', sdp: SDP } });
  await answered;
  const ms = performance.now() - t0;
  const ended = p.a.nextCall((c) => c.id === call.id && c.state === 'ended', 15_000);
  p.v.send({ type: 'call_hangup', callId: call.id });
  await ended;
  return ms;
}

async function connect(nodes: BeckonNodes, pairs: number): Promise<Pair[]> {
  const out: Pair[] = [];
  for (let i = 0; i < pairs; i++) {
    const seeded = nodes.agents[i]!;
    const agent = await AgentChatClient.connect(nodes.urls[0]!, { cookie: seeded.cookie });
    await agent.setStatus('online');
    const visitor = await VisitorChatClient.start(nodes.urls[0]!, nodes.siteKey, {
      visitorId: `voice-${i}`,
      skillId: seeded.skillId,
    });
    out.push({
      visitor,
      agent,
      v: new CallRequests(visitor.frames as never),
      a: new CallRequests(agent.frames as never),
    });
  }
  return out;
}

/** Every pair sets up calls back to back for `seconds`; `gapMs` between set-ups paces each pair. */
async function run(pairs: Pair[], seconds: number, gapMs: (i: number) => number) {
  const until = performance.now() + seconds * 1000;
  const times: number[] = [];
  let errors = 0;
  await Promise.all(
    pairs.map(async (p, i) => {
      // Paced pairs start spread over one gap, so set-ups do not arrive in waves.
      const gap = gapMs(i);
      if (gap > 0) await new Promise((r) => setTimeout(r, Math.random() * gap));
      while (performance.now() < until) {
        const started = performance.now();
        try {
          times.push(await setUp(p));
        } catch {
          errors++;
        }
        const rest = gap - (performance.now() - started);
        if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      }
    }),
  );
  return { times, errors, perSecond: times.length / seconds };
}

export default async function voice(opts: BenchOptions): Promise<BenchResult> {
  const pairs = Number(opts.flags.pairs ?? 50);
  const seconds = opts.duration ?? 10;
  const warmup = Number(opts.flags.warmup ?? 2);
  const nodes = await startBeckonNodes({
    campaigns: 0,
    chatPairs: pairs,
    env: { BECKON_CALL_STARTS_PER_MINUTE: '1000', BECKON_CALL_RING_SECONDS: '30' },
  });
  try {
    opts.log(`voice: ${pairs} visitor–agent pairs`);
    const all = await connect(nodes, pairs);
    await run(all, warmup, () => 0);
    opts.log(`voice: closed loop for ${seconds} s`);
    const closed = await run(all, seconds, () => 0);
    const max = closed.perSecond;
    const offered = max / 2;
    opts.log(`voice: ${round(max)} set-ups/s at most; paced at ${round(offered)}/s`);
    const gap = (pairs / offered) * 1000;
    const paced = await run(all, Number(opts.flags['paced-seconds'] ?? seconds), () => gap);
    for (const p of all) await Promise.all([p.visitor.close(), p.agent.disconnect()]);
    return {
      workload: 'voice',
      pairs,
      max_setups_per_s: round(max),
      closed_setup_p50_ms: round(percentile(closed.times, 50)),
      closed_setup_p99_ms: round(percentile(closed.times, 99)),
      offered_setups_per_s: round(offered),
      achieved_setups_per_s: round(paced.perSecond),
      setup_p50_ms: round(percentile(paced.times, 50)),
      setup_p99_ms: round(percentile(paced.times, 99)),
      setup_errors: closed.errors + paced.errors,
      media: 'canned SDP (no WebRTC stack in Node): signalling only',
    };
  } finally {
    await nodes.stop();
  }
}
