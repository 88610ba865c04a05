import { type CallLine, callLineEcho } from '@beckon/protocol/chat-lines';
import type { ChatAnnouncer } from '../conversations/chat-announcer.ts';
import { randomToken } from '../ids.ts';
import type { Store } from '../store/store.ts';

/**
 * Writes a line of a phone call's transfer into the thread: English text, for transcripts and the
 * API, and an echo id that says which line it is, for the console to word in the agent's language
 * (`readCallLine` in `@beckon/protocol/chat-lines`). Cold and warm transfers read apart.
 */
export async function writeCallLine(
  announcer: ChatAnnouncer,
  store: Store,
  accountId: string,
  conversationId: string,
  line: CallLine,
): Promise<void> {
  const agent = (id: string | undefined, fallback: string) =>
    id ? announcer.agentName(accountId, id).then((n) => n ?? fallback) : Promise.resolve(fallback);
  const from = await agent('from' in line ? line.from : undefined, 'The agent');
  const skill =
    'skillId' in line && line.skillId
      ? ((await store.skills.get(accountId, line.skillId).catch(() => undefined))?.name ?? 'another team')
      : null;
  const to = skill
    ? `the ${skill} queue`
    : await agent(
        'agentId' in line ? line.agentId : undefined,
        line.kind === 'back' ? 'the agent' : 'another agent',
      );
  const text = {
    transferred: `${from} transferred the call to ${to}.`,
    consulting: `${from} started a consult with ${to} before handing the call over.`,
    handed: `${from} handed the call over to ${to} after a consult.`,
    ringing_on: `${from} handed the call over before anyone answered; it rings on.`,
    back: `The call is back with ${to}.`,
  }[line.kind];
  await announcer.line(
    accountId,
    conversationId,
    text,
    { kind: 'system' },
    callLineEcho(line, randomToken(8)),
  );
}
