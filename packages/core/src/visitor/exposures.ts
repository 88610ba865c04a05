import type { ExposureOutcome } from '@beckon/protocol';
import { Field } from './field-bits.ts';
import type { CampaignMemory, ExposureRecord, VisitorState } from './visitor-shape.ts';

/** How many exposures a state keeps for the visitor's journey (caps use `campaigns`, not this list). */
export const MAX_EXPOSURES = 50;
const DAY_MS = 86_400_000;

export interface NewExposure {
  exposureId: string;
  campaignId: string;
  /** A control-group qualification: recorded and capped like an exposure, but nothing is shown. */
  control: boolean;
  /**
   * Whether the visitor must answer (or leave the page) before anything else is shown; default
   * true. A chat button is not: it waits quietly on the page while other campaigns may engage.
   */
  blocking?: boolean;
  /** The visitor's arm for a campaign with variants (a variant's key, or `control`): kept from now on. */
  arm?: string;
}

/** The campaign's frequency memory for this visitor, with session counts rolled to the current session. */
export function campaignMemory(state: VisitorState, campaignId: string): CampaignMemory | undefined {
  const mem = state.campaigns.get(campaignId);
  if (mem && mem.sessionId !== state.sessionId) {
    mem.sessionId = state.sessionId;
    mem.sessionCount = 0;
  }
  return mem;
}

/** Exposures of a campaign to this visitor in the 24 hours before `now` (prunes older ones). */
export function exposuresLastDay(mem: CampaignMemory, now: number): number {
  const recent = mem.recent;
  while (recent.length > 0 && recent[0]! <= now - DAY_MS) recent.shift();
  return recent.length;
}

/** Records an exposure (or a control qualification) so caps, declines and the journey see it. */
export function recordExposure(state: VisitorState, exposure: NewExposure, now: number): number {
  const record: ExposureRecord = {
    exposureId: exposure.exposureId,
    campaignId: exposure.campaignId,
    control: exposure.control,
    sessionId: state.sessionId,
    at: now,
  };
  state.exposures.push(record);
  if (state.exposures.length > MAX_EXPOSURES) state.exposures.shift();
  let mem = campaignMemory(state, exposure.campaignId);
  if (!mem) {
    mem = { sessionId: state.sessionId, sessionCount: 0, recent: [] };
    state.campaigns.set(exposure.campaignId, mem);
  }
  mem.sessionCount++;
  if (exposure.arm !== undefined) mem.arm = exposure.arm;
  exposuresLastDay(mem, now);
  mem.recent.push(now);
  if (!exposure.control && exposure.blocking !== false) state.pendingExposureId = exposure.exposureId;
  return Field.Exposure;
}

/** Applies the tag's report of what the visitor did with an exposure; unknown ids are ignored. */
export function applyOutcome(
  state: VisitorState,
  exposureId: string,
  outcome: ExposureOutcome,
  now: number,
): number {
  let record: ExposureRecord | undefined;
  for (let i = state.exposures.length - 1; i >= 0; i--) {
    if (state.exposures[i]!.exposureId === exposureId) {
      record = state.exposures[i];
      break;
    }
  }
  if (!record || record.control) return 0;
  if (outcome === 'shown') {
    if (record.outcome !== undefined) return 0;
  } else {
    if (record.outcome !== undefined && record.outcome !== 'shown') return 0;
    if (state.pendingExposureId === exposureId) state.pendingExposureId = null;
  }
  record.outcome = outcome;
  record.outcomeAt = now;
  if (outcome === 'dismissed') {
    const mem = state.campaigns.get(record.campaignId);
    if (mem) {
      mem.declinedAt = now;
      mem.declinedSessionId = record.sessionId;
    }
  }
  return Field.Exposure;
}
