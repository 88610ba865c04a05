/** Polls the live dashboard while the page is visible (every second), pausing in a background tab. */
import { getLive, type LiveReport } from '../../api/reports.ts';
import { type PollState, usePoll } from '../../components/use-poll.ts';

export const LIVE_POLL_MS = 1000;

export type LiveState = PollState<LiveReport>;

export function useLiveReport(siteId: string, tz: string): LiveState {
  return usePoll(() => getLive(siteId, tz), LIVE_POLL_MS, `${siteId}\u0000${tz}`);
}
