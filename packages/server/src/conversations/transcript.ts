import { type Conversation, isTimelineEvent, type Message } from '@beckon/protocol/chat-api';
import type { MergedPart } from '@beckon/protocol/conversation-merges';
import { channelName } from './merged-thread.ts';

const who = (m: Message) =>
  m.senderKind === 'visitor'
    ? 'Visitor'
    : m.senderKind === 'system'
      ? '—'
      : isTimelineEvent(m)
        ? '— (team only)'
        : m.senderKind === 'note'
          ? `${m.senderName ?? 'Agent'} (internal note)`
          : m.senderKind === 'invitation'
            ? m.senderName
              ? `${m.senderName} (invitation)`
              : 'Invitation'
            : (m.senderName ?? 'Agent');

/**
 * A plain-text transcript of a conversation, for download; text stays text (it is never HTML).
 * Conversations merged into it read as one thread: a line says so, and their lines fall in time
 * order among its own, each marked with its channel.
 */
export function transcriptText(
  c: Conversation,
  messages: readonly Message[],
  names: { skill?: string; agent?: string },
  merged: readonly MergedPart[] = [],
): string {
  const lines = [
    `Conversation ${c.id}`,
    `Started ${c.createdAt}; status ${c.status}${c.closedAt ? `, closed ${c.closedAt}` : ''}`,
    `Skill: ${names.skill ?? '-'}; agent: ${names.agent ?? '-'}`,
    `Visitor: ${[c.visitorName, c.visitorEmail && `<${c.visitorEmail}>`].filter(Boolean).join(' ') || 'anonymous'}`,
  ];
  if (c.disposition || c.tags.length)
    lines.push(`Disposition: ${c.disposition ?? '-'}; tags: ${c.tags.join(', ') || '-'}`);
  if (c.csatScore !== null) lines.push(`CSAT: ${c.csatScore}/5${c.csatComment ? ` — ${c.csatComment}` : ''}`);
  for (const p of merged)
    lines.push(
      `Merged with the ${channelName(p.conversation.channel)} conversation ${p.conversation.id} on ${p.merge.createdAt}: its lines are in this thread in time order, marked [${channelName(p.conversation.channel)}].`,
    );
  lines.push('');
  const thread = [
    ...messages.map((m) => ({ m, from: '' })),
    ...merged.flatMap((p) =>
      p.messages.map((m) => ({ m, from: `[${channelName(p.conversation.channel)}] ` })),
    ),
  ];
  // A stable sort: lines of one conversation keep their order when their times tie.
  if (merged.length > 0) thread.sort((a, b) => a.m.createdAt.localeCompare(b.m.createdAt));
  for (const { m, from } of thread) {
    const text = m.text.replace(/\r\n?/g, '\n').replace(/\n/g, '\n    ');
    lines.push(`[${m.createdAt}] ${from}${who(m)}: ${text}`);
  }
  return `${lines.join('\n')}\n`;
}
