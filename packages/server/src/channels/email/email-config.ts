import { envFlag } from '../../config-integer.ts';
import { type RateLimit, rate } from '../../engagement/engagement-config.ts';

/** The e-mail channel's settings, from `BECKON_SMTP_*` and `BECKON_EMAIL_*`. */
export interface EmailConfig {
  /** The built-in SMTP listener's port; null keeps it off (`BECKON_SMTP_PORT`; 0 picks a free one). */
  smtpPort: number | null;
  /** The address the listener binds (`BECKON_SMTP_HOST`; default: the HTTP host). */
  smtpHost: string;
  /** The domain of inbound, reply and Message-ID addresses (`BECKON_EMAIL_DOMAIN`). */
  domain: string;
  /** The sender of outgoing mail (`BECKON_EMAIL_FROM`). */
  from: string;
  /** Largest mail accepted, in bytes; a larger one gets SMTP 552 (`BECKON_EMAIL_MAX_BYTES`). */
  maxBytes: number;
  /** The relay outgoing mail goes through: a nodemailer SMTP URL, or null when none is set. */
  relayUrl: string | null;
  /** Outgoing mail is composed and sent on a thread of its own (`BECKON_MAIL_THREAD`, default on). */
  mailThread: boolean;
  /** Mails accepted from one sender address (`BECKON_RATE_EMAIL_SENDER`, RATE/BURST per second). */
  perSender: RateLimit;
  /** Mails accepted from one client IP (`BECKON_RATE_EMAIL_CLIENT`). */
  perClient: RateLimit;
  /** Automatic mails (transcripts) one contact gets per hour at most (`BECKON_EMAIL_AUTO_PER_HOUR`). */
  autoPerHour: number;
}

const whole = (env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
};

/** The relay from `BECKON_SMTP_URL`, else from `BECKON_SMTP_RELAY_HOST` and its port, user and password. */
function relayOf(env: NodeJS.ProcessEnv): string | null {
  if (env.BECKON_SMTP_URL) {
    if (!/^smtps?:\/\//.test(env.BECKON_SMTP_URL))
      throw new Error('BECKON_SMTP_URL must start with smtp:// or smtps://');
    return env.BECKON_SMTP_URL;
  }
  const host = env.BECKON_SMTP_RELAY_HOST;
  if (!host) return null;
  const port = whole(env, 'BECKON_SMTP_RELAY_PORT', 587, 1);
  const user = env.BECKON_SMTP_RELAY_USER;
  const auth = user
    ? `${encodeURIComponent(user)}:${encodeURIComponent(env.BECKON_SMTP_RELAY_PASS ?? '')}@`
    : '';
  return `${port === 465 ? 'smtps' : 'smtp'}://${auth}${host}:${port}`;
}

/** Reads the e-mail settings; `host` and `publicUrl` are the node's, for defaults. */
export function loadEmailConfig(env: NodeJS.ProcessEnv, host: string, publicUrl: string): EmailConfig {
  const rawPort = env.BECKON_SMTP_PORT;
  const smtpPort = rawPort === undefined || rawPort === '' ? null : Number(rawPort);
  if (smtpPort !== null && (!Number.isInteger(smtpPort) || smtpPort < 0 || smtpPort > 65535))
    throw new Error(`invalid BECKON_SMTP_PORT: ${rawPort}`);
  const domain = (env.BECKON_EMAIL_DOMAIN || new URL(publicUrl).hostname).toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain))
    throw new Error(`invalid BECKON_EMAIL_DOMAIN: ${domain}`);
  return {
    smtpPort,
    smtpHost: env.BECKON_SMTP_HOST || host,
    domain,
    from: env.BECKON_EMAIL_FROM || `Beckon <support@${domain}>`,
    maxBytes: whole(env, 'BECKON_EMAIL_MAX_BYTES', 25 * 1024 * 1024, 1024),
    relayUrl: relayOf(env),
    mailThread: envFlag(env, 'BECKON_MAIL_THREAD', true),
    // People write a few mails a minute; a flood from one address or host is cut short.
    perSender: rate(env, 'BECKON_RATE_EMAIL_SENDER', { rate: 0.2, burst: 20 }),
    perClient: rate(env, 'BECKON_RATE_EMAIL_CLIENT', { rate: 20, burst: 200 }),
    autoPerHour: whole(env, 'BECKON_EMAIL_AUTO_PER_HOUR', 3),
  };
}
