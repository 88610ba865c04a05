/**
 * The words of a chat invitation, in one place: the widget draws them, and the console's campaign
 * editor previews them (it imports `@beckon/tag/invitation-copy`), so the two never drift apart.
 * Plain strings only: nothing here may pull DOM code or dependencies into the console.
 * They go through the widget's lookup, so a visitor reads them in the widget's language.
 */
import { t } from './i18n/i18n.ts';

/** The invitation's two answers: accept, then dismiss. */
export const invitationAnswers = (): [string, string] => [t('Start chat'), t('Not now')];

/** Who the invitation is from: the agent who will answer when one is clearly next, else the team. */
export function invitationFrom(agentName: string | null | undefined): {
  name: string;
  status: string;
  /** Null when no one is named (the avatar shows a chat bubble instead of initials). */
  agent: string | null;
} {
  const agent = agentName?.trim() || null;
  return agent
    ? { name: agent, status: t('Online now · here to help'), agent }
    : { name: t('Chat with us'), status: t('A team member is online'), agent };
}
