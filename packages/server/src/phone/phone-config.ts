/** How the node reaches its phone gateway (`BECKON_JANUS_URL`, `BECKON_PHONE_*`; docs/phone.md). */
export interface PhoneConfig {
  /** Janus's WebSocket API (`ws://127.0.0.1:8188`); unset: no phone calls, trunks wait as `no_gateway`. */
  janusUrl: string | null;
  /** Extra gateway handles per trunk: how many phone calls one trunk carries at once. */
  linesPerTrunk: number;
  /** INVITEs one caller number may place per minute; more are refused with 486 (a flood). */
  invitesPerMinute: number;
  /** How long a dialled phone may ring before the call is given up as not answered. */
  ringSeconds: number;
  /** Seconds before a failed registration is tried again; doubled with each failure in a row. */
  retrySeconds: number;
  /** The longest wait between two tries of a failed registration. */
  retryMaxSeconds: number;
}

export function loadPhoneConfig(env: NodeJS.ProcessEnv): PhoneConfig {
  const url = env.BECKON_JANUS_URL?.trim() || null;
  if (url && !/^wss?:\/\/[^\s/]+/.test(url)) throw new Error(`invalid BECKON_JANUS_URL: ${url}`);
  const int = (name: string, fallback: number, max: number) => {
    const raw = env[name];
    const n = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`invalid ${name}: ${raw}`);
    return n;
  };
  return {
    janusUrl: url,
    linesPerTrunk: int('BECKON_PHONE_LINES_PER_TRUNK', 4, 500),
    invitesPerMinute: int('BECKON_PHONE_INVITES_PER_MINUTE', 10, 10_000),
    ringSeconds: int('BECKON_PHONE_RING_SECONDS', 45, 300),
    retrySeconds: int('BECKON_PHONE_RETRY_SECONDS', 30, 3600),
    retryMaxSeconds: int('BECKON_PHONE_RETRY_MAX_SECONDS', 600, 86_400),
  };
}
