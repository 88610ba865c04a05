import type { ConversationStart } from '@beckon/protocol/chat-api';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { TestServer } from './test-server.ts';

/** A session cookie for a user, made directly in the store (fast: no password hashing). */
export async function cookieFor(
  srv: TestServer,
  email: string,
): Promise<{ cookie: string; csrf: string; userId: string; accountId: string }> {
  const { store } = srv.node.ctx;
  const found = await store.users.findForLogin(email);
  if (!found) throw new Error(`no user ${email}`);
  const s = await store.authSessions.create(found.user.id, found.accountId, 3600_000);
  return {
    cookie: `beckon_session=${s.token}`,
    csrf: s.csrfToken,
    userId: found.user.id,
    accountId: found.accountId,
  };
}

/**
 * Connects an agent's console socket, optionally setting them online. Each request may take 30 s,
 * as the server's wait for a busy store pool may: a full run loads the machine to 13.
 */
export async function connectAgent(srv: TestServer, email: string, online = true): Promise<AgentChatClient> {
  const { cookie } = await cookieFor(srv, email);
  const agent = await AgentChatClient.connect(srv.url, { cookie, requestTimeoutMs: 30_000 });
  if (online) await agent.setStatus('online');
  return agent;
}

/**
 * Starts a visitor conversation on the demo site over the socket. The welcome may take 30 s: at a
 * load of 13 in a full run, a start beside Chromium and the test's own server took more than 10.
 */
export function startVisitor(srv: TestServer, input: ConversationStart = {}): Promise<VisitorChatClient> {
  return VisitorChatClient.start(
    srv.url,
    srv.demo!.siteKey,
    { visitorId: `v${Math.random().toString(36).slice(2, 10)}`, ...input },
    { welcomeTimeoutMs: 30_000 },
  );
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
