import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { janusInstalled } from '../../scripts/janus-gateway.mjs';
import { baresipInstalled } from './sip-phone.ts';
import { until } from './workspace-fixtures.ts';

/** Host candidates as addresses: the gateway cannot resolve the browser's mDNS names. */
export const NO_MDNS = '--disable-features=WebRtcHideLocalIpsWithMdns';

/**
 * Janus and baresip (and espeak-ng, the voice of the hub's prompts), installed under CI (Debian
 * packages); elsewhere a missing gateway or phone skips the file.
 */
export function gatewayReady(): string | false {
  const speaks = spawnSync('sh', ['-c', 'command -v espeak-ng'], { stdio: 'ignore' }).status === 0;
  if (janusInstalled() && baresipInstalled() && (speaks || process.env.CI !== 'true')) return false;
  if (process.env.CI === 'true') {
    const r = spawnSync('apt-get', ['install', '-y', '-qq', 'janus', 'baresip', 'espeak-ng'], {
      stdio: 'ignore',
    });
    if (r.status === 0 && janusInstalled() && baresipInstalled()) return false;
  }
  return 'janus or baresip is not installed (apt-get install -y janus baresip)';
}

/** The audio the newest peer connection of the page receives and sends. */
export const rtp = (page: Page) =>
  page.evaluate<{ received: number; sent: number; level: number; state: string } | null>(`(async () => {
    const pc = (window.__peers ?? []).at(-1);
    if (!pc) return null;
    const out = { received: 0, sent: 0, level: 0, state: pc.connectionState };
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') { out.received = r.packetsReceived ?? 0; out.level = r.audioLevel ?? 0; }
      if (r.type === 'outbound-rtp' && r.kind === 'audio') out.sent = r.packetsSent ?? 0;
    });
    return out;
  })()`);

/** Bytes of what the scripted phone heard (baresip's `sndfile` dump of decoded audio). */
export const heardBytes = (dir: string): number =>
  readdirSync(dir)
    .filter((f) => f.startsWith('dump-') && f.endsWith('-dec.wav'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);

/** The loudness (RMS of 16-bit samples) of what the phone heard, after the first `skipBytes` of each file. */
export function heardLevel(dir: string, skipBytes = 44): number {
  let sum = 0;
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.startsWith('dump-') && x.endsWith('-dec.wav'))) {
    const b = readFileSync(join(dir, f));
    for (let i = Math.max(44, skipBytes); i + 1 < b.length; i += 2) {
      const s = b.readInt16LE(i);
      sum += s * s;
      n++;
    }
  }
  return n ? Math.sqrt(sum / n) : 0;
}

/**
 * Audio flows both ways between the console and a scripted phone: the phone's tone reaches the
 * browser (packets keep arriving, with a level above zero), and the agent's fake microphone
 * reaches the phone, which decodes it into its directory.
 */
export async function audioFlowsBothWays(page: Page, phoneDir: string): Promise<void> {
  const first = await until(
    async () => {
      const s = await rtp(page);
      return s && s.received > 0 ? s : null;
    },
    'the console receives the phone’s audio',
    // The browser's media reaches Janus after its ICE checks, which a loaded machine stretches
    // past 15 s (seen once in a full run beside other files).
    30_000,
  );
  await until(async () => {
    const s = await rtp(page);
    return s && s.received > first.received + 25 && s.level > 0;
  }, 'the phone’s audio keeps arriving, with a level above zero');
  await until(() => heardBytes(phoneDir) > 44 + 8000, 'the phone hears the agent', 15_000);
}

/** Whether the phone heard a steady tone of `hz`: at least `ms` in which each 20 ms is mostly that tone. */
export function heardTone(dir: string, hz: number, ms = 300): boolean {
  const window = 160; // 20 ms at 8 kHz
  const need = Math.ceil(ms / 20);
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  for (const f of readdirSync(dir).filter((x) => x.startsWith('dump-') && x.endsWith('-dec.wav'))) {
    const b = readFileSync(join(dir, f));
    let run = 0;
    for (let at = 44; at + window * 2 <= b.length; at += window * 2) {
      // Goertzel: the power at `hz` against the window's whole power.
      let s1 = 0;
      let s2 = 0;
      let total = 0;
      for (let i = 0; i < window; i++) {
        const x = b.readInt16LE(at + i * 2);
        total += x * x;
        const s0 = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
      const toned = total > window * 100 * 100 && power / (total * (window / 2)) > 0.8;
      run = toned ? run + 1 : 0;
      if (run >= need) return true;
    }
  }
  return false;
}
