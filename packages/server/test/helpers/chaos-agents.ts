import { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { ChaosAccount } from './chaos-cluster.ts';
import { eventually } from './chat-fixtures.ts';

/** An agent's console socket on a node, online. */
export async function onlineAgent(url: string, cookie: string): Promise<AgentChatClient> {
  const a = await AgentChatClient.connect(url, { cookie });
  await a.setStatus('online');
  return a;
}

/** A Sales chat started on one node and accepted by an agent (on any node): a chat in progress. */
export async function chatInProgress(
  visitorUrl: string,
  account: ChaosAccount,
  agent: AgentChatClient,
): Promise<{ visitor: VisitorChatClient; id: string }> {
  const visitor = await VisitorChatClient.start(visitorUrl, account.siteKey, {
    skillId: account.salesSkillId,
    visitorId: `v${Math.random().toString(36).slice(2, 10)}`,
  });
  const id = visitor.conversation.id;
  await eventually(() => agent.offers.has(id), 10_000, `the offer of ${id}`);
  await agent.accept(id);
  await visitor.waitForConversation((c) => c.status === 'active', 10_000);
  return { visitor, id };
}

/** The widget's availability call: can a Sales chat start now, and how many agents are online. */
export async function salesAvailability(
  url: string,
  account: ChaosAccount,
): Promise<{ available: boolean; agentsOnline: number } | null> {
  try {
    const r = await fetch(`${url}/api/v1/chat/availability?skillId=${account.salesSkillId}`, {
      headers: { 'x-beckon-site-key': account.siteKey },
      signal: AbortSignal.timeout(2000),
    });
    return r.ok ? ((await r.json()) as { available: boolean; agentsOnline: number }) : null;
  } catch {
    return null;
  }
}
