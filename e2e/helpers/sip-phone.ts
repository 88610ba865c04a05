import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

/** util-linux's setpriv, to give each phone a parent-death signal (Linux). */
const HAS_SETPRIV = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * The machine's first non-loopback IPv4 address: baresip puts it in its SDP, and the gateway's
 * RTP socket accepts packets only from that address, so the gateway's SIP side must use it too
 * (a packet to 127.0.0.1 would leave from 127.0.0.1 and be dropped).
 */
export function lanAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/** Whether `baresip` is installed. */
export const baresipInstalled = (): boolean =>
  spawnSync('sh', ['-c', 'command -v baresip'], { stdio: 'ignore' }).status === 0;

/** A mono 16-bit PCM WAV of a tone (the caller's voice), `seconds` long at 8 kHz. */
export function toneWav(path: string, seconds: number, hz = 440): void {
  const rate = 8000;
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 12_000), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([head, data]));
}

/**
 * A port on 127.0.0.1 nobody listens on now (for a phone that takes calls). Baresip listens on it
 * for UDP and TCP, and on the next one for TLS: all three must be free, or the phone starts
 * without its transports and never rings.
 */
export async function freeUdpPort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const { createServer } = await import('node:net');
  const tcpFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; ; attempt++) {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    const { port } = s.address();
    await new Promise<void>((resolve) => s.close(() => resolve()));
    if (attempt >= 20 || (port < 65535 && (await tcpFree(port)) && (await tcpFree(port + 1)))) return port;
  }
}

/**
 * A scripted SIP phone: baresip with its voice from a WAV file (`ausrc aufile`), G.711 only, and
 * what it hears dumped to WAV files (`sndfile`) in its directory. With `uri` it dials at once;
 * without, it waits on `port` for a call and answers it at once (`answer: 'auto'`) or lets it
 * ring (`'manual'`). It hangs up when `/hangup` is typed (or the process is stopped).
 */
export function startPhone(opts: {
  uri?: string;
  from: string;
  port?: number;
  answer?: 'auto' | 'manual';
  onLog?: (line: string) => void;
}) {
  const dir = mkdtempSync(join(tmpdir(), 'beckon-phone-'));
  toneWav(join(dir, 'voice.wav'), 40);
  writeFileSync(
    join(dir, 'config'),
    [
      'module_path /usr/lib/baresip/modules',
      `sip_listen 127.0.0.1:${opts.port ?? 0}`,
      'audio_source aufile,' + join(dir, 'voice.wav'),
      'audio_player aubridge,sink',
      'audio_alert aubridge,sink',
      'module stdio.so',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      'module sndfile.so',
      'snd_path ' + dir,
      'module_app account.so',
      'module_app menu.so',
      'module_app contact.so',
      'rtp_stats yes',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'accounts'),
    `<sip:${opts.from}@127.0.0.1>;regint=0;audio_codecs=PCMU;answermode=${opts.answer ?? 'manual'}\n`,
  );
  writeFileSync(join(dir, 'contacts'), '');
  // Ended with the test's process, however it ends: a phone left behind reads its closed stdin in a
  // loop, half a core, and slows every test after it (setpriv sets the parent-death signal).
  const phone = ['baresip', '-f', dir, ...(opts.uri ? ['-e', `/dial ${opts.uri}`] : [])];
  const child: ChildProcess = spawn(
    HAS_SETPRIV ? 'setpriv' : phone[0]!,
    HAS_SETPRIV ? ['--pdeathsig', 'SIGKILL', '--', ...phone] : phone.slice(1),
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (b: Buffer) => {
    log += b.toString();
    opts.onLog?.(b.toString());
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    dir,
    log: () => log,
    /** Types a line at baresip's prompt (`/hangup`, `/quit`). */
    command: (line: string) => child.stdin!.write(`${line}\n`),
    async stop(): Promise<void> {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
