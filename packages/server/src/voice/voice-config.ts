import type { IceServer } from '@beckon/protocol/call-protocol';

/** How calls ring, reconnect and reach each other (`BECKON_ICE_SERVERS`, `BECKON_TURN_*`, `BECKON_CALL_*`). */
export interface VoiceConfig {
  /** STUN and TURN servers handed to both browsers; empty: host candidates only (one machine, a LAN). */
  iceServers: IceServer[];
  /** The secret shared with coturn (`static-auth-secret`): TURN entries get time-limited credentials. */
  turnSecret?: string;
  /** How long a TURN credential is valid (ms). */
  turnTtlMs: number;
  /** How long one agent's console rings before the call passes to the next agent (ms). */
  ringMs: number;
  /** How long a side may be gone (socket closed, node dead) before the call ends as lost (ms). */
  reconnectMs: number;
  /** Calls one conversation may ask for per minute; more are refused with `rate_limited`. */
  startsPerMinute: number;
  /** The largest recording of one call (bytes); more is refused with 413. */
  recordingMaxBytes: number;
  /** The largest chunk of a recording the console uploads at once (bytes). */
  recordingChunkMaxBytes: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  const n = Number(raw ?? fallback);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`invalid ${name}: ${raw}`);
  return n;
}

/** Reads `BECKON_ICE_SERVERS`: a JSON list of urls or of `{ urls, username?, credential? }`. */
function iceServers(raw: string | undefined): IceServer[] {
  if (!raw?.trim()) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('invalid BECKON_ICE_SERVERS: not JSON');
  }
  if (!Array.isArray(value)) throw new Error('invalid BECKON_ICE_SERVERS: expected a JSON list');
  return value.map((entry, i) => {
    const server = typeof entry === 'string' ? { urls: entry } : (entry as IceServer);
    const urls = Array.isArray(server?.urls) ? server.urls : [server?.urls];
    if (urls.length === 0 || !urls.every((u) => typeof u === 'string' && /^(stun|stuns|turn|turns):/.test(u)))
      throw new Error(`invalid BECKON_ICE_SERVERS[${i}]: urls must be stun:, stuns:, turn: or turns: urls`);
    return server;
  });
}

export function loadVoiceConfig(env: NodeJS.ProcessEnv): VoiceConfig {
  return {
    iceServers: iceServers(env.BECKON_ICE_SERVERS),
    turnSecret: env.BECKON_TURN_SECRET || undefined,
    turnTtlMs: positive(env, 'BECKON_TURN_TTL_SECONDS', 3600, 7 * 86_400) * 1000,
    ringMs: positive(env, 'BECKON_CALL_RING_SECONDS', 20, 300) * 1000,
    reconnectMs: positive(env, 'BECKON_CALL_RECONNECT_SECONDS', 15, 300) * 1000,
    startsPerMinute: positive(env, 'BECKON_CALL_STARTS_PER_MINUTE', 5, 1000),
    // Opus at the console's 32 kbit/s is about 14 MB an hour; 100 MB holds several hours.
    recordingMaxBytes: positive(env, 'BECKON_RECORDING_MAX_MB', 100, 10_000) * 1024 * 1024,
    recordingChunkMaxBytes: 1024 * 1024,
  };
}
