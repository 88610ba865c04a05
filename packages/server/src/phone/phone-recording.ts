import type { NumberRow } from '../store/phone-repo.ts';
import type { HubLeg } from './phone-hub.ts';
import { promptsIn } from './phone-prompts.ts';

/**
 * A number that records its calls tells the caller first, through the hub, before the call can
 * ring an agent: "This call may be recorded." in the number's language. The call is then
 * recorded by the answering agent's console, as a web call on a recording site is. True when the
 * call is recorded: the announcement played to its end (a caller who hung up during it is not).
 */
export async function announceRecording(leg: HubLeg, number: NumberRow): Promise<boolean> {
  if (Number(number.record_calls) !== 1) return false;
  const played = await leg.play([{ say: promptsIn(number.language).recorded }], number.language);
  return played && !leg.ended;
}
