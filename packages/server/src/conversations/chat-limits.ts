import { type RateLimit, rate } from '../engagement/engagement-config.ts';
import { TokenBucket } from '../engagement/rate-limiter.ts';
import { AppError } from '../errors.ts';

/**
 * Rate limits of the conversation endpoints and sockets (per second, with a burst), from
 * `BECKON_RATE_CHAT_*` and `BECKON_RATE_AGENT_*`.
 */
export interface ChatLimits {
  /** Uploads by one side of one conversation. */
  uploadsPerConversation: RateLimit;
  /** Uploads from one client address. */
  uploadsPerAddress: RateLimit;
  /** New conversations (start, socket start, offline form) by one visitor of a site. */
  startsPerVisitor: RateLimit;
  /** New conversations from one client address. */
  startsPerAddress: RateLimit;
  /** App sign-ins (`POST /api/v1/messaging/session`, each stores a token) per client address. */
  appSessionsPerAddress: RateLimit;
  /** Most files one side may upload to one conversation. */
  maxUploadsPerConversation: number;
  /** Frames on one visitor chat socket (`/v1/chat`), typing included. */
  framesPerSocket: RateLimit;
  /** Frames from one client address over all its visitor chat sockets. */
  framesPerAddress: RateLimit;
  /** Frames on one agent socket (`/v1/agent`), typing included. */
  agentFramesPerSocket: RateLimit;
  /** Frames from one agent over all their consoles. */
  agentFramesPerUser: RateLimit;
  /** Typing signals relayed per socket and conversation; beyond it only the latest state goes. */
  typing: RateLimit;
  /** Open visitor chat sockets (`/v1/chat`) per client address and per conversation (0: no cap). */
  chatSockets: { perAddress: number; perOwner: number };
  /** Open agent sockets (`/v1/agent`) per client address and per console user (0: no cap). */
  agentSockets: { perAddress: number; perOwner: number };
}

/** A count from the environment: a whole number ≥ 0. */
function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return n;
}

/** Reads the chat limits: defaults suit people; "RATE/BURST" overrides (e.g. `BECKON_RATE_CHAT_START_ADDRESS=1/5`). */
export function loadChatLimits(env: NodeJS.ProcessEnv): ChatLimits {
  const max = Number(env.BECKON_CHAT_MAX_UPLOADS ?? 100);
  if (!Number.isInteger(max) || max < 1) throw new Error('BECKON_CHAT_MAX_UPLOADS must be an integer ≥ 1');
  return {
    uploadsPerConversation: rate(env, 'BECKON_RATE_CHAT_UPLOAD', { rate: 0.2, burst: 10 }),
    uploadsPerAddress: rate(env, 'BECKON_RATE_CHAT_UPLOAD_ADDRESS', { rate: 0.5, burst: 30 }),
    startsPerVisitor: rate(env, 'BECKON_RATE_CHAT_START', { rate: 1 / 30, burst: 5 }),
    startsPerAddress: rate(env, 'BECKON_RATE_CHAT_START_ADDRESS', { rate: 0.5, burst: 60 }),
    appSessionsPerAddress: rate(env, 'BECKON_RATE_APP_SESSION_ADDRESS', { rate: 0.5, burst: 60 }),
    maxUploadsPerConversation: max,
    // A person sends a few frames a second at most; a reconnecting client resends its unacknowledged
    // lines at once (the burst). W3's sockets, ~40 lines a second each, fit too; the bench still
    // turns these off, as its hundreds of sockets share one address.
    framesPerSocket: rate(env, 'BECKON_RATE_CHAT_FRAME', { rate: 50, burst: 100 }),
    framesPerAddress: rate(env, 'BECKON_RATE_CHAT_FRAME_ADDRESS', { rate: 200, burst: 1000 }),
    agentFramesPerSocket: rate(env, 'BECKON_RATE_AGENT_FRAME', { rate: 50, burst: 200 }),
    agentFramesPerUser: rate(env, 'BECKON_RATE_AGENT_FRAME_USER', { rate: 100, burst: 400 }),
    typing: rate(env, 'BECKON_RATE_CHAT_TYPING', { rate: 2, burst: 4 }),
    // A visitor has a tab or a few per chat; an office behind one address has many visitors and
    // agents. The bench turns these off too: its hundreds of sockets come from 127.0.0.1.
    chatSockets: {
      perAddress: count(env, 'BECKON_MAX_CHAT_SOCKETS_ADDRESS', 200),
      perOwner: count(env, 'BECKON_MAX_CHAT_SOCKETS_CONVERSATION', 10),
    },
    agentSockets: {
      perAddress: count(env, 'BECKON_MAX_AGENT_SOCKETS_ADDRESS', 200),
      perOwner: count(env, 'BECKON_MAX_AGENT_SOCKETS_USER', 20),
    },
  };
}

const SWEEP_EVERY = 1000;

/**
 * One token bucket per key (a conversation, a visitor, an address, an agent); full buckets no
 * socket holds are forgotten.
 */
export class KeyedLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private calls = 0;

  constructor(private readonly limit: RateLimit) {}

  /** Spends one token of `key`; false when the key is over its rate. */
  take(key: string, now = Date.now()): boolean {
    return this.bucket(key, now).take(now);
  }

  /**
   * The bucket of `key` for a socket to spend from directly; kept while its holder counts itself
   * in `refs` (and decrements it when it closes).
   */
  bucket(key: string, now = Date.now()): TokenBucket {
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.limit, now);
      this.buckets.set(key, b);
    }
    return b;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) if (b.refs === 0 && b.full(now)) this.buckets.delete(k);
  }
}

/**
 * Limits how fast conversations are created (REST start, socket `start`, the offline form): per
 * visitor of a site and per client address. A refusal is a 429 `rate_limited`, counted in /metrics.
 */
export class StartLimiter {
  private readonly perVisitor: KeyedLimiter;
  private readonly perAddress: KeyedLimiter;

  constructor(
    limits: ChatLimits,
    private readonly refused: (scope: 'visitor' | 'address') => void,
  ) {
    this.perVisitor = new KeyedLimiter(limits.startsPerVisitor);
    this.perAddress = new KeyedLimiter(limits.startsPerAddress);
  }

  /** Spends one start for the visitor and the address; throws 429 when either is over its rate. */
  admit(siteId: string, visitorId: string | undefined, address: string): void {
    const scope =
      visitorId && !this.perVisitor.take(`${siteId}:${visitorId}`)
        ? 'visitor'
        : !this.perAddress.take(address)
          ? 'address'
          : undefined;
    if (!scope) return;
    this.refused(scope);
    throw new AppError(429, 'rate_limited', 'too many new conversations; wait a moment and try again');
  }
}

/**
 * Counts the open sockets of each key (an address, a user, a conversation) against a cap, so one
 * client cannot hold thousands of sockets. A cap of 0 counts nothing and admits all.
 */
export class SocketCaps {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more socket of `key`; false, and nothing counted, when the key is at its cap. */
  acquire(key: string): boolean {
    if (this.max === 0) return true;
    const n = this.open.get(key) ?? 0;
    if (n >= this.max) return false;
    this.open.set(key, n + 1);
    return true;
  }

  /** Lets go of one socket of `key` (one that `acquire` counted). */
  release(key: string): void {
    if (this.max === 0) return;
    const n = (this.open.get(key) ?? 1) - 1;
    if (n > 0) this.open.set(key, n);
    else this.open.delete(key);
  }
}
