import type { Conversation } from '@beckon/protocol/chat-api';
import type { AgentChatService, StaffCaller } from '../conversations/agent-chat-service.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { PhoneLines } from './phone-lines.ts';

/**
 * Refusals that mean Beckon cannot place this call (no number set up, the trunk not registered or
 * busy, a number not in E.164): the agent dials by the card's `tel:` link instead.
 */
const BY_HAND = new Set(['no_number', 'trunk_unavailable', 'bad_number']);

/**
 * Callbacks placed by Beckon: when an agent accepts a callback's task, Beckon dials the customer
 * through the account's trunk at once, as if the agent had clicked "Call through Beckon". The
 * agent's console gets the call (`inviting`) and makes its offer; then the phone rings. Without a
 * gateway, a number or a registered trunk nothing happens, and the card keeps its `tel:` link.
 */
export function dialCallbacksOnAccept(
  agents: AgentChatService,
  store: Store,
  phone: PhoneLines,
  log: Logger,
): () => void {
  const dial = async (caller: StaffCaller & { userId: string }, conversation: Conversation) => {
    const callback = await store.callbacks.forTask(caller.accountId, conversation.id);
    if (callback?.status !== 'queued') return;
    // A call already in the conversation (a second accept, a dial by hand) is not dialled again.
    if (await store.calls.openIn(caller.accountId, conversation.id)) return;
    await phone.dial(caller, { callbackId: callback.id });
  };
  return agents.onAccepted((caller, conversation) => {
    if (conversation.channel !== 'voice' || !caller.userId) return;
    dial({ ...caller, userId: caller.userId }, conversation).catch((err: unknown) => {
      if (err instanceof AppError && BY_HAND.has(err.code)) return;
      log.warn({ err, conversationId: conversation.id }, 'the callback could not be dialled');
    });
  });
}
