/** How a phone call transfer's line reads in the console (kept apart: tests load it without the console's pages). */
import { readCallLine } from '@beckon/protocol/chat-lines';
import type { Message } from '../../api/conversations.ts';
import { t } from '../../i18n/i18n.ts';

/** Names of the team and of skills, as the directory knows them (null: not known here). */
export interface Names {
  userName(id: string | null): string | null;
  skillName(id: string | null): string | null;
}

/**
 * A phone call transfer's line in the agent's language (stored in English), saying whether it was
 * cold or warm; null for other lines, or when a name is not known here (the stored text then).
 */
export function callLineText(m: Message, names: Names): string | null {
  const line = readCallLine(m);
  if (!line) return null;
  const from = 'from' in line ? names.userName(line.from) : '';
  if (from === null) return null;
  if (line.kind === 'ringing_on')
    return t('{from} handed the call over before anyone answered; it rings on.', { from });
  const agent = 'agentId' in line && line.agentId ? names.userName(line.agentId) : null;
  const skill = 'skillId' in line && line.skillId ? names.skillName(line.skillId) : null;
  if (line.kind === 'back') return agent && t('The call is back with {agent}.', { agent });
  if (line.kind === 'handed')
    return agent && t('{from} handed the call over to {agent} after a consult.', { from, agent });
  if (line.kind === 'transferred') {
    if (skill) return t('{from} transferred the call to the {skill} queue.', { from, skill });
    return agent && t('{from} transferred the call to {agent}.', { from, agent });
  }
  if (skill)
    return t('{from} started a consult with the {skill} queue before handing the call over.', {
      from,
      skill,
    });
  return agent && t('{from} started a consult with {agent} before handing the call over.', { from, agent });
}
