import type { Campaign, DeliveredEngagement, Engagement, ProactiveMessage } from '@beckon/protocol';
import { campaignMemory, exposuresLastDay } from '../visitor/exposures.ts';
import type { VisitorState } from '../visitor-state.ts';

/** Whether a skill can take a chat now (an agent with free capacity, or a wait under the skill's maximum). */
export type Capacity = 'available' | 'busy';
/** Injected by the server (routing); asked only for chat engagements that are about to be offered. */
/** Whether a skill can take a chat now (`voice`: whether an agent of it who takes calls is free). */
export type CapacityFn = (skillId: string, kind?: 'chat' | 'voice') => Capacity;

/** Why frequency rules hold a campaign back, or 'ok'. 'day' lifts with time; 'session' and 'never' do not. */
export type FrequencyVerdict = 'ok' | 'session' | 'day' | 'never';

const DAY_MS = 86_400_000;

/** Applies the per-session and per-day caps and the after-decline rule (control qualifications count too). */
export function frequencyVerdict(campaign: Campaign, state: VisitorState, now: number): FrequencyVerdict {
  const mem = campaignMemory(state, campaign.id);
  if (!mem) return 'ok';
  const f = campaign.frequency;
  if (mem.declinedAt !== undefined) {
    if (f.afterDecline === 'never') return 'never';
    if (f.afterDecline === 'next_session' && mem.declinedSessionId === state.sessionId) return 'session';
  }
  if (f.perSession !== undefined && mem.sessionCount >= f.perSession) return 'session';
  if (f.perVisitorPerDay !== undefined && exposuresLastDay(mem, now) >= f.perVisitorPerDay) return 'day';
  return 'ok';
}

/** When a 'day' cap lifts: 24 h after the oldest exposure still counted. */
export function dayCapLiftsAt(campaign: Campaign, state: VisitorState): number {
  const first = state.campaigns.get(campaign.id)?.recent[0];
  return first === undefined ? Number.POSITIVE_INFINITY : first + DAY_MS + 1;
}

/**
 * What to offer given the skill's capacity: the engagement itself, its offline-message fallback,
 * or null (show nothing) as the campaign is configured. Content and messages need no capacity.
 */
export function resolveEngagement(
  engagement: Engagement,
  capacity: CapacityFn,
): DeliveredEngagement | ProactiveMessage | null {
  // A callback is for later: it needs no one free now.
  if (engagement.type === 'content' || engagement.type === 'message' || engagement.type === 'callback')
    return engagement;
  // A call is offered only while someone can answer it; else its callback button, if the campaign says so.
  if (engagement.type === 'call') {
    if (capacity(engagement.skillId, 'voice') === 'available') return engagement;
    // No label: the widget writes its own "Call me back" in the visitor's language.
    return engagement.offline === 'callback' ? { type: 'callback', skillId: engagement.skillId } : null;
  }
  if (capacity(engagement.skillId) === 'available') return engagement;
  const offline = engagement.offline ?? 'none';
  if (offline === 'none') return null;
  if (engagement.type !== 'chat_invitation')
    return { type: 'offline_message', skillId: engagement.skillId, message: '' };
  // The invitation's message leads the form, in the visitor's language where the campaign has it.
  const { message, translations } = engagement;
  return {
    type: 'offline_message',
    skillId: engagement.skillId,
    message,
    ...(translations ? { translations } : {}),
  };
}
