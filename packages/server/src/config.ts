import { resolve } from 'node:path';
import { DEFAULT_DECLINE_COOLDOWN_MS } from '@beckon/core/routing/index';
import { DEFAULT_ATTACHMENT_MAX_BYTES } from '@beckon/protocol/chat-attachments';
import { type BroadcastConfig, loadBroadcastConfig } from './broadcasts/broadcast-config.ts';
import { type ConnectionsConfig, loadConnectionsConfig } from './channels/connections/connections-config.ts';
import { type EmailConfig, loadEmailConfig } from './channels/email/email-config.ts';
import { loadOutboxOptions, type OutboxOptions } from './channels/outbox-config.ts';
import { loadPushConfig, type PushConfig } from './channels/push/push-config.ts';
import { type ChatLimits, loadChatLimits } from './conversations/chat-limits.ts';
import { type EgressOptions, loadEgressOptions } from './egress/egress-config.ts';
import { loadPhoneConfig, type PhoneConfig } from './phone/phone-config.ts';
import { loadRetentionConfig, type RetentionConfig } from './retention/retention-config.ts';
import { loadSlaConfig, type SlaConfig } from './sla/sla-config.ts';
import { loadStoreTuning, type StoreTuning } from './store/store-config.ts';
import { helperThreadNice } from './thread-priority.js';
import { loadVoiceConfig, type VoiceConfig } from './voice/voice-config.ts';
import { loadWebhookOptions, type WebhookOptions } from './webhooks/webhook-config.ts';

/** Everything a Beckon node needs to start, from flags and environment. */
export interface Config {
  port: number;
  host: string;
  /** Where the embedded store and uploaded files live. */
  dataDir: string;
  /** PostgreSQL URL; unset means the embedded SQLite store under `dataDir`. */
  databaseUrl?: string;
  /** Redis URL for the scale-out bus; unset means the in-process bus. */
  redisUrl?: string;
  /** The URL visitors and agents reach this server at (used in tag snippets). */
  publicUrl: string;
  logLevel: string;
  /** Pretty logs (a terminal) or JSON lines (anything else). */
  prettyLogs: boolean;
  /** Console sign-in lifetime. */
  sessionTtlMs: number;
  /**
   * The key stored secrets are sealed with (`BECKON_SECRET_KEY`) and, while rotating, the keys
   * they may still be sealed with (`BECKON_SECRET_KEY_PREVIOUS`). Unset: a key file in the data dir.
   */
  secretKeys: { current?: string; previous?: string };
  /** Secure cookies (HTTPS deployments). */
  secureCookies: boolean;
  /** Largest chat attachment accepted, in bytes (`BECKON_ATTACHMENT_MAX_BYTES`). */
  attachmentMaxBytes: number;
  /** Rate limits of the conversation endpoints. */
  chatLimits: ChatLimits;
  /** How long a declined chat is not offered again to the agent who declined it (`BECKON_DECLINE_COOLDOWN_SECONDS`). */
  declineCooldownMs: number;
  /**
   * How long after a waiting visitor's last socket closed (or last request over REST) their chat
   * stops being offered to agents until they are back (`BECKON_CHAT_VISITOR_AWAY_SECONDS`).
   */
  visitorAwayMs: number;
  /**
   * How long a chat in progress may go on after its visitor left (no socket, no request over
   * REST) before it ends by itself, freeing its agent (`BECKON_CHAT_ABANDON_SECONDS`; 0: never).
   */
  abandonMs: number;
  /**
   * How long a customer may leave an agent's reply unseen before it is sent to them by e-mail
   * (`BECKON_UNSEEN_REPLY_MINUTES`; 0: never).
   */
  unseenReplyMs: number;
  /**
   * Least time between the starts of two group commits of chat messages
   * (`BECKON_MESSAGE_COMMIT_GAP_MS`; 0: commit as soon as the event loop allows). A send that
   * arrives within this of the last commit waits for the next one with the sends that follow it.
   */
  messageCommitGapMs: number;
  /**
   * The commit gap on a busy socket thread (`BECKON_MESSAGE_BUSY_COMMIT_GAP_MS`): the gap widens
   * from `messageCommitGapMs` at half busy to this at 80 % (`busyCommitGap`). At or under the
   * other, the gap stays fixed.
   */
  messageBusyCommitGapMs: number;
  /**
   * The nice value of the node's helper threads: mail, provider requests, model training (`BECKON_HELPER_THREAD_NICE`, 0–19; 0: as the socket thread). Each thread reads it from
   * the environment as it starts (thread-priority.js); here a bad value stops the start.
   */
  helperThreadNice: number;
  /**
   * How long an agent whose last console closed still counts as present (`BECKON_AGENT_PRESENCE_GRACE_MS`):
   * a console reconnecting within it, to this node or another, never looks absent to routing.
   */
  agentPresenceGraceMs: number;
  /** SQLite commit durability and the PostgreSQL pool size (`BECKON_SQLITE_SYNCHRONOUS`, `BECKON_PG_POOL_SIZE`). */
  store: StoreTuning;
  /** The e-mail channel: the SMTP listener, the relay for replies, limits (`BECKON_SMTP_*`, `BECKON_EMAIL_*`). */
  email: EmailConfig;
  /** How outbound channel messages are claimed, sent and retried (`BECKON_OUTBOX_*`). */
  outbox: OutboxOptions;
  /** Provider connections: webhook rate per address, provider timeout (`BECKON_RATE_CHANNEL_HOOK`, …). */
  connections: ConnectionsConfig;
  /** Where FCM and APNs are reached, and how long a push may take (`BECKON_FCM_BASE_URL`, …). */
  push: PushConfig;
  /** Calls: ICE servers, TURN credentials, ring and reconnect times (`BECKON_ICE_SERVERS`, `BECKON_CALL_*`). */
  voice: VoiceConfig;
  /** The phone gateway (Janus) and its limits. */
  phone: PhoneConfig;
  /** How webhooks are delivered: timeouts and retries (`BECKON_WEBHOOKS_*`). */
  webhooks: WebhookOptions;
  /** Which addresses configured URLs may reach, and the redirect cap (`BECKON_EGRESS_*`). */
  egress: EgressOptions;
  /** How the retention job deletes old data (`BECKON_RETENTION_*`). */
  retention: RetentionConfig;
  /** How the SLA breach job runs (`BECKON_SLA_*`). */
  sla: SlaConfig;
  /** How the broadcast sender runs (`BECKON_BROADCAST_*`). */
  broadcasts: BroadcastConfig;
}

export interface ConfigOverrides {
  port?: number | string;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  redisUrl?: string;
  publicUrl?: string;
  logLevel?: string;
}

/** Builds the configuration: flags win over environment variables, which win over defaults. */
export function loadConfig(flags: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(flags.port ?? env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid port: ${flags.port ?? env.PORT}`);
  const host = flags.host ?? env.HOST ?? 'localhost';
  const publicUrl = (flags.publicUrl ?? env.BECKON_PUBLIC_URL ?? `http://localhost:${port}`).replace(
    /\/+$/,
    '',
  );
  const attachmentMaxBytes = Number(env.BECKON_ATTACHMENT_MAX_BYTES ?? DEFAULT_ATTACHMENT_MAX_BYTES);
  if (!Number.isInteger(attachmentMaxBytes) || attachmentMaxBytes < 1)
    throw new Error(`invalid BECKON_ATTACHMENT_MAX_BYTES: ${env.BECKON_ATTACHMENT_MAX_BYTES}`);
  const cooldown = Number(env.BECKON_DECLINE_COOLDOWN_SECONDS ?? DEFAULT_DECLINE_COOLDOWN_MS / 1000);
  if (!Number.isFinite(cooldown) || cooldown < 0)
    throw new Error(`invalid BECKON_DECLINE_COOLDOWN_SECONDS: ${env.BECKON_DECLINE_COOLDOWN_SECONDS}`);
  const away = Number(env.BECKON_CHAT_VISITOR_AWAY_SECONDS ?? 30);
  if (!Number.isFinite(away) || away <= 0)
    throw new Error(`invalid BECKON_CHAT_VISITOR_AWAY_SECONDS: ${env.BECKON_CHAT_VISITOR_AWAY_SECONDS}`);
  const abandon = Number(env.BECKON_CHAT_ABANDON_SECONDS ?? 600);
  if (!Number.isFinite(abandon) || abandon < 0)
    throw new Error(`invalid BECKON_CHAT_ABANDON_SECONDS: ${env.BECKON_CHAT_ABANDON_SECONDS}`);
  const unseen = Number(env.BECKON_UNSEEN_REPLY_MINUTES ?? 10);
  if (!Number.isFinite(unseen) || unseen < 0)
    throw new Error(`invalid BECKON_UNSEEN_REPLY_MINUTES: ${env.BECKON_UNSEEN_REPLY_MINUTES}`);
  const commitGap = Number(env.BECKON_MESSAGE_COMMIT_GAP_MS ?? 2);
  if (!Number.isFinite(commitGap) || commitGap < 0 || commitGap > 1000)
    throw new Error(`invalid BECKON_MESSAGE_COMMIT_GAP_MS: ${env.BECKON_MESSAGE_COMMIT_GAP_MS}`);
  const busyGap = Number(env.BECKON_MESSAGE_BUSY_COMMIT_GAP_MS ?? 12);
  if (!Number.isFinite(busyGap) || busyGap < 0 || busyGap > 1000)
    throw new Error(`invalid BECKON_MESSAGE_BUSY_COMMIT_GAP_MS: ${env.BECKON_MESSAGE_BUSY_COMMIT_GAP_MS}`);
  const grace = Number(env.BECKON_AGENT_PRESENCE_GRACE_MS ?? 5000);
  if (!Number.isInteger(grace) || grace < 0 || grace > 60_000)
    throw new Error(`invalid BECKON_AGENT_PRESENCE_GRACE_MS: ${env.BECKON_AGENT_PRESENCE_GRACE_MS}`);
  return {
    port,
    host,
    dataDir: resolve(flags.dataDir ?? env.BECKON_DATA_DIR ?? './data'),
    databaseUrl: flags.databaseUrl ?? (env.DATABASE_URL || undefined),
    redisUrl: flags.redisUrl ?? (env.REDIS_URL || undefined),
    publicUrl,
    logLevel: flags.logLevel ?? env.LOG_LEVEL ?? 'info',
    prettyLogs: Boolean(process.stdout.isTTY) && env.LOG_FORMAT !== 'json',
    sessionTtlMs: 7 * 24 * 3600 * 1000,
    secretKeys: {
      current: env.BECKON_SECRET_KEY || undefined,
      previous: env.BECKON_SECRET_KEY_PREVIOUS || undefined,
    },
    secureCookies: publicUrl.startsWith('https://'),
    attachmentMaxBytes,
    chatLimits: loadChatLimits(env),
    declineCooldownMs: Math.round(cooldown * 1000),
    visitorAwayMs: Math.round(away * 1000),
    abandonMs: Math.round(abandon * 1000),
    unseenReplyMs: Math.round(unseen * 60_000),
    messageCommitGapMs: commitGap,
    messageBusyCommitGapMs: busyGap,
    helperThreadNice: helperThreadNice(env),
    agentPresenceGraceMs: grace,
    store: loadStoreTuning(env),
    email: loadEmailConfig(env, host, publicUrl),
    outbox: loadOutboxOptions(env),
    webhooks: loadWebhookOptions(env),
    egress: loadEgressOptions(env),
    retention: loadRetentionConfig(env),
    sla: loadSlaConfig(env),
    broadcasts: loadBroadcastConfig(env),
    connections: loadConnectionsConfig(env),
    push: loadPushConfig(env),
    voice: loadVoiceConfig(env),
    phone: loadPhoneConfig(env),
  };
}
