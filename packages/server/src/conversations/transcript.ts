import { type Conversation, isTimelineEvent, type Message } from '@beckon/protocol/chat-api';

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

/** A plain-text transcript of a conversation, for download; text stays text (it is never HTML). */
export function transcriptText(
  c: Conversation,
  messages: readonly Message[],
  names: { skill?: string; agent?: string },
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
  lines.push('');
  for (const m of messages) {
    const text = m.text.replace(/\r\n?/g, '\n').replace(/\n/g, '\n    ');
    lines.push(`[${m.createdAt}] ${who(m)}: ${text}`);
  }
  return `${lines.join('\n')}\n`;
}
