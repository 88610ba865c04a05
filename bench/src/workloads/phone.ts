// W15 phone: concurrent phone calls through the gateway, answered in browsers. A Beckon node (its
// own process, SQLite) registers a trunk at a local registrar through Janus; C scripted phones
// (baresip, its voice a tone from a WAV file) each dial their own number at once, which rings its
// own agent (number i → skill i → agent i). Each agent is a Chromium page (fake microphone) that
// runs the console's call protocol and nothing else: a `call_accept` when its call rings, an
// answer to the gateway's offer, ICE candidates. The console's React app would cost a renderer
// each and measure the console, not the phone path; the answer and the media are the browser's own.
// Set-up time runs from the phone's `/dial` (baresip sends its INVITE at once) to the agent's peer
// connection `connected` (the call answered in the browser, media able to flow): routing, ringing,
// the gateway's offer and answer, ICE and DTLS. The calls are held for --hold seconds, media is
// checked (RTP packets in both directions at the browser, decoded audio at every phone), then
// the phones hang up and the agents close their conversations. --rounds repeats it.
// CPU: the node's process over each round (dial to last hang-up), per second of call held;
// Janus's and the whole machine's beside it. Skipped (one line) without janus or baresip.
// Knobs: --calls (default 6, at most 20: Janus's port ranges), --hold seconds (duration, 8), --rounds (2).
import type { Browser, Page } from 'playwright-core';
import { FAKE_MEDIA } from '../../../e2e/helpers/fake-media.ts';
import { heardBytes, NO_MDNS } from '../../../e2e/helpers/phone-media.ts';
import { baresipInstalled, lanAddress, startPhone } from '../../../e2e/helpers/sip-phone.ts';
import { startRegistrar } from '../../../e2e/helpers/sip-registrar.ts';
import { janusInstalled, startJanus } from '../../../scripts/janus-gateway.mjs';
import { machineBusySeconds, procCpuSeconds } from '../child-server.ts';
import { startBeckonNodes } from '../servers/beckon-nodes.ts';
import type { PhoneSeed } from '../servers/phone-seed.ts';
import { percentile, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';

/** What the answering page records of each call (Date.now() times, comparable with this process's). */
interface PageCall {
  conversationId?: string;
  ringAt?: number;
  connectedAt?: number;
  endedAt?: number;
  /** The agent closed the conversation: free for the next call. */
  closedAt?: number;
}

/** The agent's side of a phone call in a page: the call frames and WebRTC, as the console does them. */
const ANSWERER = `(() => {
  const b = (window.__bench = { ready: false, calls: {}, errors: [] });
  const pcs = {};
  const closing = {};
  let mic;
  let n = 0;
  const ws = new WebSocket('ws://' + location.host + '/v1/agent');
  const send = (f) => ws.send(JSON.stringify(f));
  ws.onmessage = async (ev) => {
    const f = JSON.parse(ev.data);
    try {
      if (f.type === 'ready') send({ type: 'status', status: 'online', ref: 'online' });
      else if (f.type === 'done' && f.ref === 'online') b.ready = true;
      else if (f.type === 'done' && closing[f.ref]) b.calls[closing[f.ref]].closedAt = Date.now();
      else if (f.type === 'error') b.errors.push(f.code + ': ' + f.message);
      else if (f.type === 'call') {
        const c = f.call;
        const rec = (b.calls[c.id] ??= {});
        rec.conversationId = c.conversationId;
        if (c.state === 'ringing' && !rec.ringAt) {
          rec.ringAt = Date.now();
          send({ type: 'call_accept', callId: c.id, ref: 'a' + ++n });
        }
        if (c.state === 'ended' && !rec.endedAt) {
          rec.endedAt = Date.now();
          pcs[c.id]?.close();
          const ref = 'c' + ++n;
          closing[ref] = c.id;
          send({ type: 'close', conversationId: c.conversationId, ref });
        }
      } else if (f.type === 'call_signal' && f.description && f.description.type === 'offer') {
        mic ??= await navigator.mediaDevices.getUserMedia({ audio: true });
        const pc = new RTCPeerConnection();
        pcs[f.callId] = pc;
        const rec = (b.calls[f.callId] ??= {});
        for (const t of mic.getTracks()) pc.addTrack(t, mic);
        pc.onicecandidate = (e) => {
          if (e.candidate) send({ type: 'call_signal', callId: f.callId, leg: f.leg, candidate: e.candidate.toJSON() });
        };
        pc.onconnectionstatechange = () => {
          if (pc.connectionState === 'connected' && !rec.connectedAt) rec.connectedAt = Date.now();
        };
        await pc.setRemoteDescription(f.description);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        send({ type: 'call_signal', callId: f.callId, leg: f.leg, description: { type: 'answer', sdp: answer.sdp } });
      } else if (f.type === 'call_signal' && f.candidate) {
        await pcs[f.callId]?.addIceCandidate(f.candidate).catch(() => {});
      }
    } catch (err) {
      b.errors.push(String(err));
    }
  };
  window.__rtp = async () => {
    const out = { received: 0, sent: 0 };
    for (const pc of Object.values(pcs)) {
      if (pc.connectionState !== 'connected') continue;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') out.received += r.packetsReceived ?? 0;
        if (r.type === 'outbound-rtp' && r.kind === 'audio') out.sent += r.packetsSent ?? 0;
      });
    }
    return out;
  };
})()`;

type Phone = ReturnType<typeof startPhone>;

async function until<T>(
  what: string | (() => string),
  timeoutMs: number,
  check: () => Promise<T | null | undefined | false>,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`phone: timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const callsOf = (page: Page) => page.evaluate('window.__bench.calls') as Promise<Record<string, PageCall>>;

/** One round: every phone dials, every agent answers, the calls are held, then the phones hang up. */
async function round1(
  phones: Phone[],
  pages: Page[],
  numbers: string[],
  gateway: { host: string; port: number },
  holdS: number,
) {
  const before = await Promise.all(pages.map(async (p) => new Set(Object.keys(await callsOf(p)))));
  const heard = phones.map((p) => heardBytes(p.dir));
  const dialled: number[] = [];
  for (const [i, phone] of phones.entries()) {
    dialled.push(Date.now());
    phone.command(`/dial sip:${numbers[i]}@${gateway.host}:${gateway.port}`);
  }
  // Each page's new call, once connected.
  const connected = await Promise.all(
    pages.map((page, i) =>
      until(
        () => `agent ${i}'s call to connect (the phone: ${phones[i]!.log().slice(-1500)})`,
        30_000,
        async () => {
          const calls = await callsOf(page);
          const id = Object.keys(calls).find((k) => !before[i]!.has(k) && calls[k]!.connectedAt);
          return id ? { id, at: calls[id]!.connectedAt! } : null;
        },
      ),
    ),
  );
  const setups = connected.map((c, i) => c.at - dialled[i]!);
  const rtp0 = await Promise.all(pages.map((p) => p.evaluate('window.__rtp()') as Promise<Rtp>));
  await new Promise((r) => setTimeout(r, holdS * 1000));
  const rtp1 = await Promise.all(pages.map((p) => p.evaluate('window.__rtp()') as Promise<Rtp>));
  const heardNow = phones.map((p, i) => heardBytes(p.dir) - heard[i]!);
  for (const phone of phones) phone.command('/hangup');
  const ended = await Promise.all(
    pages.map((page, i) =>
      until(`agent ${i}'s call to end`, 30_000, async () => {
        const call = (await callsOf(page))[connected[i]!.id];
        return call?.endedAt && call.closedAt ? call : null;
      }),
    ),
  );
  return {
    setups,
    // Calls up at once: connected before the first one ended.
    concurrent: connected.filter((c) => c.at < Math.min(...ended.map((e) => e.endedAt!))).length,
    callSeconds: ended.reduce((s, e) => s + (e.endedAt! - e.connectedAt!) / 1000, 0),
    packetsToBrowser: rtp1.map((r, i) => r.received - rtp0[i]!.received),
    packetsFromBrowser: rtp1.map((r, i) => r.sent - rtp0[i]!.sent),
    heardBytes: heardNow,
  };
}

interface Rtp {
  received: number;
  sent: number;
}

export default async function phone(opts: BenchOptions): Promise<BenchResult> {
  if (!janusInstalled() || !baresipInstalled()) {
    const why = 'janus or baresip is not installed (apt-get install -y janus baresip): phone skipped';
    opts.log(why);
    return { workload: 'phone', skipped: why };
  }
  const calls = Math.min(20, Math.max(1, Number(opts.flags.calls ?? 6)));
  const holdS = opts.duration ?? 8;
  const rounds = Math.max(1, Number(opts.flags.rounds ?? 2));
  const { launchBrowser } = await import('../../../e2e/helpers/browser.ts');
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    const [janus, registrar] = await Promise.all([
      startJanus({ localIp: lanAddress(), debugLevel: 2 }),
      startRegistrar({ user: 'bench-trunk', password: 'bench-pass' }),
    ]);
    cleanup.push(
      () => janus.stop(),
      () => registrar.close(),
    );
    const nodes = await startBeckonNodes({
      campaigns: 0,
      chatPairs: calls,
      env: {
        BECKON_JANUS_URL: janus.url,
        // The registrar is on 127.0.0.1: the egress guard would refuse it for a real trunk.
        BECKON_EGRESS_ALLOW_PRIVATE: '1',
        // Spare lines: the gateway frees a line a moment after its call ends, and answers 486 when
        // a new INVITE finds none free.
        BECKON_PHONE_LINES_PER_TRUNK: String(calls * 2),
        BECKON_PHONE_INVITES_PER_MINUTE: '10000',
        BENCH_PHONE: JSON.stringify({
          host: '127.0.0.1',
          port: registrar.port,
          user: 'bench-trunk',
          password: 'bench-pass',
        }),
      },
    });
    cleanup.push(() => nodes.stop());
    const seed = JSON.parse(/^phone (.+)$/m.exec(nodes.servers[0]!.output)![1]!) as PhoneSeed;
    const gateway = await registrar.registered();
    const browser: Browser = await launchBrowser([...FAKE_MEDIA, NO_MDNS]);
    cleanup.push(() => browser.close());
    const base = nodes.urls[0]!;
    const pages: Page[] = [];
    for (const agent of nodes.agents) {
      const context = await browser.newContext();
      const [name, value] = agent.cookie.split('=') as [string, string];
      await context.addCookies([{ name, value, url: base }]);
      const page = await context.newPage();
      await page.goto(`${base}/healthz`);
      await page.evaluate(ANSWERER);
      pages.push(page);
    }
    await Promise.all(
      pages.map((p, i) =>
        until(`agent ${i} online`, 15_000, () => p.evaluate('window.__bench.ready') as Promise<boolean>),
      ),
    );
    const phones: Phone[] = [];
    for (let i = 0; i < calls; i++) {
      // Port 0: the phone only dials, so it listens wherever the system puts it.
      const p = startPhone({ from: `+1555100${String(i).padStart(4, '0')}` });
      phones.push(p);
      cleanup.push(() => p.stop());
    }
    await Promise.all(
      phones.map((p, i) =>
        until(
          () => `phone ${i} ready: ${p.log().slice(-300)}`,
          30_000,
          async () => p.log().includes('baresip is ready'),
        ),
      ),
    );
    opts.log(`phone: ${calls} calls at once, held ${holdS} s, ${rounds} round(s)`);

    // A first round warms up what a running console would have warm (JIT, each page's microphone);
    // its slowest set-up is reported apart.
    const cold = await round1(phones, pages, seed.numbers, gateway, 1);
    opts.log(`phone: warm-up round: slowest set-up ${round(Math.max(...cold.setups))} ms`);
    const setups: number[] = [];
    let concurrent = Number.POSITIVE_INFINITY;
    let callSeconds = 0;
    let nodeCpu = 0;
    let janusCpu = 0;
    let machineCpu = 0;
    let wall = 0;
    let minToBrowser = Number.POSITIVE_INFINITY;
    let minFromBrowser = Number.POSITIVE_INFINITY;
    let minHeard = Number.POSITIVE_INFINITY;
    for (let r = 0; r < rounds; r++) {
      const cpu0 = [
        await nodes.servers[0]!.cpuSeconds(),
        await procCpuSeconds(janus.pid!),
        await machineBusySeconds(),
      ];
      const t0 = performance.now();
      const res = await round1(phones, pages, seed.numbers, gateway, holdS);
      wall += (performance.now() - t0) / 1000;
      const cpu1 = [
        await nodes.servers[0]!.cpuSeconds(),
        await procCpuSeconds(janus.pid!),
        await machineBusySeconds(),
      ];
      nodeCpu += cpu1[0]! - cpu0[0]!;
      janusCpu += cpu1[1]! - cpu0[1]!;
      machineCpu += cpu1[2]! - cpu0[2]!;
      setups.push(...res.setups);
      concurrent = Math.min(concurrent, res.concurrent);
      callSeconds += res.callSeconds;
      minToBrowser = Math.min(minToBrowser, ...res.packetsToBrowser);
      minFromBrowser = Math.min(minFromBrowser, ...res.packetsFromBrowser);
      minHeard = Math.min(minHeard, ...res.heardBytes);
      opts.log(
        `phone: round ${r + 1}: set-up p50 ${round(percentile(res.setups, 50))} ms, max ${round(Math.max(...res.setups))} ms; ` +
          `${res.concurrent} at once; RTP to browsers ≥ ${Math.min(...res.packetsToBrowser)} packets each`,
      );
    }
    const errors = (
      await Promise.all(pages.map((p) => p.evaluate('window.__bench.errors') as Promise<string[]>))
    ).flat();
    if (minToBrowser <= 0 || minFromBrowser <= 0 || minHeard <= 44)
      throw new Error(
        `phone: media did not flow on every call (RTP to browser ${minToBrowser}, from browser ${minFromBrowser}, heard ${minHeard} bytes)`,
      );
    return {
      workload: 'phone',
      calls,
      rounds,
      hold_s: holdS,
      concurrent_calls: concurrent,
      setup_p50_ms: round(percentile(setups, 50)),
      setup_p99_ms: round(percentile(setups, 99)),
      setup_max_ms: round(Math.max(...setups)),
      cold_setup_max_ms: round(Math.max(...cold.setups)),
      cpu_ms_per_call_s: round((nodeCpu * 1000) / callSeconds),
      node_cpu_percent: round((nodeCpu / wall) * 100),
      janus_cpu_ms_per_call_s: round((janusCpu * 1000) / callSeconds),
      machine_cpu_percent: round((machineCpu / wall) * 100),
      min_rtp_packets_to_browser: minToBrowser,
      min_rtp_packets_from_browser: minFromBrowser,
      min_phone_heard_bytes: minHeard,
      agent_errors: errors.length,
      media: 'G.711 end to end: baresip ↔ Janus (RTP) ↔ Chromium (DTLS-SRTP)',
    };
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => {});
  }
}
