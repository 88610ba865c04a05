import { SESSIONS_ENDED_TOPIC, type SessionsEnded } from '../auth/session-ends.ts';
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';

/** A socket opened under a sign-in session, to close when the session ends. */
export interface SessionBound {
  sessionEnded(): void;
}

/**
 * This node's console sockets by the session they were opened under. A socket is authenticated
 * once, when it opens; when its session ends on any node (a new password, two-factor turned on,
 * a role change, the account's rule, a sign-out elsewhere), the message on the bus closes it here.
 */
export class SessionSockets {
  private readonly byRef = new Map<string, Set<SessionBound>>();
  private readonly unsubscribe: Promise<(() => Promise<void>) | null>;

  constructor(bus: Bus, log: Logger) {
    this.unsubscribe = bus
      .subscribe(SESSIONS_ENDED_TOPIC, (m) => {
        for (const ref of (m as SessionsEnded).refs ?? []) {
          for (const socket of this.byRef.get(ref) ?? []) socket.sessionEnded();
        }
      })
      .catch((err) => {
        log.warn({ err }, 'ended sessions will not close sockets');
        return null;
      });
  }

  /** Resolves once this node hears of ended sessions. */
  ready(): Promise<unknown> {
    return this.unsubscribe;
  }

  add(ref: string, socket: SessionBound): void {
    const set = this.byRef.get(ref) ?? new Set();
    set.add(socket);
    this.byRef.set(ref, set);
  }

  delete(ref: string, socket: SessionBound): void {
    const set = this.byRef.get(ref);
    set?.delete(socket);
    if (set?.size === 0) this.byRef.delete(ref);
  }

  async stop(): Promise<void> {
    await (await this.unsubscribe)?.();
  }
}
