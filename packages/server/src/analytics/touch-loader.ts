import type { Kysely } from 'kysely';
import type { Database, TouchKindColumn } from '../store/schema.ts';
import { DAY_MS, MAX_WINDOW_DAYS, type Touch } from './attribution-rules.ts';

const SHOWN_KINDS = new Set<TouchKindColumn>([
  'content',
  'chat_invitation',
  'chat_button',
  'offline_message',
  'message',
]);
// A call engagement accepted starts a conversation (with its call) like a chat button.
const CHAT_KINDS = new Set(['chat_invitation', 'chat_button', 'offline_message', 'call', 'callback']);

/**
 * Loads everything that may take credit for a visitor's conversion at `at`: exposures and control
 * qualifications of the last 31 days (the longest window), and conversations, each linked to the
 * exposure it came from. An exposure that led to a conversation (or an accepted chat engagement)
 * is a `conversation` touch; a conversation with no exposure is a touch without a campaign.
 */
export async function loadTouches(
  db: Kysely<Database>,
  siteId: string,
  visitorId: string,
  at: number,
): Promise<Touch[]> {
  const since = at - MAX_WINDOW_DAYS * DAY_MS;
  const exposures = await db
    .selectFrom('exposures')
    .select(['id', 'campaign_id', 'engagement_type', 'control', 'outcome', 'created_at'])
    .where('site_id', '=', siteId)
    .where('visitor_id', '=', visitorId)
    .where('created_at', '>=', since)
    .where('created_at', '<=', at)
    .execute();
  const conversations = await db
    .selectFrom('conversations')
    .select(['id', 'origin_exposure_id', 'assigned_agent_id', 'skill_id', 'created_at'])
    .where('site_id', '=', siteId)
    .where('visitor_id', '=', visitorId)
    .where('created_at', '>=', since)
    .where('created_at', '<=', at)
    .orderBy('created_at')
    .execute();
  const byExposure = new Map<string, (typeof conversations)[number]>();
  for (const c of conversations) if (c.origin_exposure_id) byExposure.set(c.origin_exposure_id, c);

  const touches: Touch[] = [];
  const linked = new Set<string>();
  for (const e of exposures) {
    const control = Number(e.control) === 1;
    const conv = control ? undefined : byExposure.get(e.id);
    if (conv) linked.add(conv.id);
    // A campaign's message starts its conversation itself: it is one only once the customer answered.
    const talked = conv && (e.engagement_type !== 'message' || e.outcome === 'accepted');
    let kind: TouchKindColumn;
    if (control) kind = 'control';
    else if (talked || (e.outcome === 'accepted' && CHAT_KINDS.has(e.engagement_type))) kind = 'conversation';
    else
      kind = SHOWN_KINDS.has(e.engagement_type as TouchKindColumn)
        ? (e.engagement_type as TouchKindColumn)
        : 'content';
    touches.push({
      id: e.id,
      campaignId: e.campaign_id,
      exposureId: e.id,
      conversationId: conv?.id ?? null,
      agentId: talked ? (conv?.assigned_agent_id ?? null) : null,
      skillId: talked ? (conv?.skill_id ?? null) : null,
      control,
      kind,
      at: Number(e.created_at),
    });
  }
  // A callback's request and the task it is worked in share the exposure: both are the campaign's.
  const exposed = new Set(exposures.filter((e) => Number(e.control) !== 1).map((e) => e.id));
  for (const c of conversations) {
    if (linked.has(c.id) || (c.origin_exposure_id && exposed.has(c.origin_exposure_id))) continue;
    touches.push({
      id: c.id,
      campaignId: null,
      exposureId: null,
      conversationId: c.id,
      agentId: c.assigned_agent_id,
      skillId: c.skill_id,
      control: false,
      kind: 'conversation',
      at: Number(c.created_at),
    });
  }
  return touches;
}
