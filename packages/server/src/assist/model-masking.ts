import { maskText } from '@beckon/core/masking/message-masking';
import type { MessageMasker } from '../privacy/message-masker.ts';

/**
 * The masking applied to every text before it leaves for a model: the account's own patterns,
 * and card numbers and IBANs always, even where the account stores them unmasked.
 */
export async function modelMasking(
  masker: MessageMasker,
  accountId: string,
): Promise<(text: string) => string> {
  const rules = { ...(await masker.rules(accountId)), cards: true, ibans: true };
  return (text) => maskText(text, rules);
}
