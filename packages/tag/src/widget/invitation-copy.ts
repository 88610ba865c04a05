/**
 * The words of a chat invitation, in one place: the widget draws them, and the console's campaign
 * editor previews them (it imports `@beckon/tag/invitation-copy`), so the two never drift apart.
 * Plain strings only: nothing here may pull DOM code or dependencies into the console.
 */

/** The invitation's two answers. */
export const INVITATION_ACCEPT = 'Start chat';
export const INVITATION_DISMISS = 'Not now';

/** Who the invitation is from: the agent who will answer when one is clearly next, else the team. */
export function invitationFrom(agentName: string | null | undefined): {
  name: string;
  status: string;
  /** Null when no one is named (the avatar shows a chat bubble instead of initials). */
  agent: string | null;
} {
  const agent = agentName?.trim() || null;
  return agent
    ? { name: agent, status: 'Online now · here to help', agent }
    : { name: 'Chat with us', status: 'A team member is online', agent };
}
