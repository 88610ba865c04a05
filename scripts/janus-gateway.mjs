#!/usr/bin/env node
/**
 * Starts Janus as Beckon's phone gateway: writes a minimal configuration into a temporary
 * directory (the SIP plugin and the WebSocket transport, nothing else), picks free ports, runs
 * `janus -F <dir>` and waits until its WebSocket answers. Run it on its own to get a gateway for
 * a development server; tests import `startJanus`. See docs/phone.md.
 *
 *   node scripts/janus-gateway.mjs            # prints BECKON_JANUS_URL=ws://127.0.0.1:<port>
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PLUGINS = '/usr/lib/x86_64-linux-gnu/janus/plugins';
const TRANSPORTS = '/usr/lib/x86_64-linux-gnu/janus/transports';
/** The Lua plugin's helper modules (Debian's `janus` package). */
const LUA_PATH = '/usr/share/janus/lua';
/** The phone hub: prompts, music, key presses and voicemail, run by the Lua plugin. */
export const PHONE_HUB = fileURLToPath(new URL('./janus/beckon-phone.lua', import.meta.url));

/** A TCP port nobody listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Whether the `janus` binary is installed. */
export function janusInstalled() {
  return spawnSync('sh', ['-c', 'command -v janus'], { stdio: 'ignore' }).status === 0;
}

/**
 * The configuration files, by name: the SIP plugin, the Lua plugin running the phone hub, and the
 * WebSocket API (and admin API).
 */
export function janusConfig({
  dir,
  wsPort,
  adminPort,
  adminSecret,
  rtpRange,
  sipRtpRange,
  localIp,
  debugLevel = 3,
  hub = PHONE_HUB,
}) {
  return {
    'janus.jcfg': `general: {
  configs_folder = "${dir}"
  plugins_folder = "${PLUGINS}"
  transports_folder = "${TRANSPORTS}"
  events_folder = "${dir}/none"
  loggers_folder = "${dir}/none"
  debug_level = ${debugLevel}
  admin_secret = "${adminSecret}"
  session_timeout = 60
  server_name = "beckon-phone"
}
media: {
  rtp_port_range = "${rtpRange}"
}
nat: {
  ice_ignore_list = "vmnet"
}
plugins: {
  disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_videoroom.so,libjanus_voicemail.so"
}
transports: {
  disable = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
events: {
  broadcast = false
}
`,
    'janus.transport.websockets.jcfg': `general: {
  json = "compact"
  ws = true
  ws_port = ${wsPort}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = true
  admin_ws_port = ${adminPort}
  admin_ws_ip = "127.0.0.1"
  admin_wss = false
}
`,
    'janus.plugin.sip.jcfg': `general: {
  local_ip = "${localIp}"
  keepalive_interval = 120
  behind_nat = false
  user_agent = "Beckon phone gateway"
  register_ttl = 3600
  rtp_port_range = "${sipRtpRange}"
  events = false
}
`,
    'janus.plugin.lua.jcfg': `general: {
  path = "${LUA_PATH}"
  script = "${hub}"
}
`,
  };
}

/**
 * Starts Janus on free ports with its configuration in a fresh temporary directory. Resolves once
 * its WebSocket API accepts connections; `stop()` ends the process and removes the directory.
 */
export async function startJanus(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'beckon-janus-'));
  const [wsPort, adminPort] = [await freePort(), await freePort()];
  const base = 20_000 + Math.floor(Math.random() * 200) * 100;
  const adminSecret = options.adminSecret ?? `admin-${Math.random().toString(36).slice(2)}`;
  const files = janusConfig({
    dir,
    wsPort,
    adminPort,
    adminSecret,
    rtpRange: `${base}-${base + 49}`,
    sipRtpRange: `${base + 50}-${base + 99}`,
    localIp: options.localIp ?? '127.0.0.1',
    debugLevel: options.debugLevel ?? 3,
  });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const child = spawn('janus', ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (b) => {
    log = (log + b.toString()).slice(-20_000);
    options.onLog?.(b.toString());
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `ws://127.0.0.1:${wsPort}`;
  const adminUrl = `ws://127.0.0.1:${adminPort}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`janus exited (${child.exitCode}):\n${log}`);
    if (await canConnect(wsPort)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`janus did not start in 15 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    adminUrl,
    adminSecret,
    dir,
    pid: child.pid,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function canConnect(port) {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!janusInstalled()) {
    console.error('janus is not installed: apt-get install -y janus');
    process.exit(1);
  }
  const janus = await startJanus({ onLog: (l) => process.stderr.write(l) });
  console.log(`BECKON_JANUS_URL=${janus.url}`);
  console.log(`BECKON_JANUS_ADMIN_URL=${janus.adminUrl}`);
  console.log(`BECKON_JANUS_ADMIN_SECRET=${janus.adminSecret}`);
  const stop = () => void janus.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
