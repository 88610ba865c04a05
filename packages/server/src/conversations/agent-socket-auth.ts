import type { IncomingMessage } from 'node:http';
import type { User } from '@beckon/protocol/api';
import { SESSION_COOKIE, totpPending, totpSetupRequired } from '../auth/auth-context.ts';
import type { Config } from '../config.ts';
import { AppError, forbidden, unauthorized } from '../errors.ts';
import type { Store } from '../store/store.ts';

/** The value of one cookie in a raw Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Authenticates a console socket by its session cookie. A browser's `Origin` must be this
 * server's (the console's), so another site cannot open an agent socket with the agent's cookie.
 */
export async function authenticateAgentSocket(
  store: Store,
  config: Config,
  req: IncomingMessage,
): Promise<{ accountId: string; user: User }> {
  const origin = req.headers.origin;
  if (origin) {
    const own = new Set([new URL(config.publicUrl).origin]);
    if (req.headers.host) own.add(`http://${req.headers.host}`).add(`https://${req.headers.host}`);
    if (!own.has(origin.replace(/\/+$/, '').toLowerCase()))
      throw forbidden('this origin may not open the agent socket');
  }
  const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
  const session = token ? await store.authSessions.find(token) : undefined;
  if (!session) throw unauthorized('sign in to the console first');
  if (totpPending(session)) throw totpSetupRequired();
  const user = await store.users.get(session.accountId, session.userId).catch(() => undefined);
  if (!user) throw unauthorized();
  if (user.role === 'analyst') throw new AppError(403, 'forbidden', 'analysts do not take chats');
  return { accountId: session.accountId, user };
}
