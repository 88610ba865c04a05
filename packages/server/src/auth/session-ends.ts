import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';

/** Bus topic: sessions ended on some node; each node closes the console sockets opened under them. */
export const SESSIONS_ENDED_TOPIC = 'auth.sessions-ended';

/** The message on SESSIONS_ENDED_TOPIC: the refs of the sessions that ended. */
export interface SessionsEnded {
  refs: string[];
}

/** What ending sessions needs of the node (a subset of its context). */
export interface SessionEndsContext {
  store: Store;
  bus: Bus;
  logger: Logger;
}

/**
 * Ends sign-in sessions in the store, then tells every node so that a console socket opened under
 * one closes at once (a socket is authenticated once, when it opens). The store is the truth: a
 * lost message leaves a socket open until it reconnects, never a session alive.
 */
export class SessionEnds {
  constructor(private readonly ctx: SessionEndsContext) {}

  /** Every session of the user, or every one but that of `keepToken` (the one making the change). */
  async ofUser(userId: string, keepToken?: string): Promise<void> {
    await this.announce(await this.ctx.store.authSessions.deleteForUser(userId, keepToken));
  }

  /** One session of the account (only `userId`'s when given); false when there is none. */
  async one(accountId: string, ref: string, userId?: string): Promise<boolean> {
    const ended = await this.ctx.store.authSessions.revoke(accountId, ref, userId);
    if (ended) await this.announce([ref]);
    return ended;
  }

  /** The account's sessions that lack the second factor it now requires. */
  async withoutTwoFactor(accountId: string): Promise<void> {
    await this.announce(await this.ctx.store.authSessions.deleteWithoutTwoFactor(accountId));
  }

  private async announce(refs: string[]): Promise<void> {
    if (refs.length === 0) return;
    const message: SessionsEnded = { refs };
    await this.ctx.bus.publish(SESSIONS_ENDED_TOPIC, message).catch((err) => {
      this.ctx.logger.warn({ err, sessions: refs.length }, 'ended sessions not announced to the sockets');
    });
  }
}
