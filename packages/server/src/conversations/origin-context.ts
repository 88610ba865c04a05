import { timeOfId } from '../ids.ts';
import type { Store } from '../store/store.ts';

/**
 * How long after an exposure was shown a chat start on another node waits for its row: that
 * node writes exposures behind, a few milliseconds late, or seconds when its writer is backed up.
 */
export const EXPOSURE_ROW_LATE_MS = 2000;

/** What the server knows about how a conversation came to be: it sets the skill and the queue priority. */
export interface OriginContext {
  skillId?: string;
  /** Campaign priority. */
  priority?: number;
  /** Visitor value, such as the cart total. */
  value?: number;
  /** Purchase-propensity score in [0, 1]; orders the queue after priority and value. */
  score?: number;
  /** The agent whose own invitation the visitor accepted: offered the chat first. */
  preferredAgentId?: string;
  /** The accepted invitation's words and the name they came under: the conversation opens with them. */
  invitation?: { text: string; from: string | null };
}

export interface OriginQuery {
  accountId: string;
  siteId: string;
  visitorId: string | null;
  exposureId: string | null;
}

/**
 * Finds a conversation's origin context server-side — never from what the visitor claims. The
 * engagement runtime, which holds live visitor state (cart total), can install a richer one.
 */
export type OriginResolver = (q: OriginQuery) => Promise<OriginContext | undefined>;

/**
 * True when this node showed `exposureId` to the visitor (it is in their live state here), so its
 * row may still wait in this node's events writer.
 */
export type ShownHere = (siteId: string, visitorId: string, exposureId: string) => boolean;

/**
 * The default resolver: the exposure the visitor accepted gives the campaign's priority and chat
 * skill, or — for an agent's own invitation — that agent as the one to offer the chat to first;
 * an invitation's exposure also gives the words the visitor read.
 */
export function exposureOriginResolver(store: Store, shownHere: ShownHere): OriginResolver {
  return async ({ accountId, siteId, visitorId, exposureId }) => {
    if (!exposureId) return undefined;
    const find = () => store.exposures.get(accountId, exposureId).catch(() => undefined);
    // Exposures are written behind: one shown here a moment ago may still wait in this node's
    // writer, which is then flushed first. One another node showed may still wait in that node's
    // writer, which this one cannot flush: it is looked for again until its row is due.
    const pending = visitorId !== null && shownHere(siteId, visitorId, exposureId);
    const exposure =
      (await find()) ??
      (pending ? await store.eventsWriter.flush().then(find, find) : await shownElsewhere(exposureId, find));
    if (!exposure || exposure.siteId !== siteId || exposure.visitorId !== visitorId) return undefined;
    const said = exposure.invitation ? { invitation: exposure.invitation } : {};
    if (!exposure.campaignId)
      return exposure.agentId ? { preferredAgentId: exposure.agentId, ...said } : said;
    const campaign = await store.campaigns.get(accountId, exposure.campaignId).catch(() => undefined);
    if (!campaign) return said;
    const e = campaign.engagement;
    return {
      priority: campaign.priority,
      ...(e.type === 'chat_invitation' ||
      e.type === 'chat_button' ||
      e.type === 'call' ||
      e.type === 'callback'
        ? { skillId: e.skillId }
        : {}),
      ...said,
    };
  };
}

/**
 * Looks for the row of an exposure shown a moment ago on another node, at growing intervals, until
 * EXPOSURE_ROW_LATE_MS after the time its id names. An id that names no recent time (made up, or
 * long written) is not waited for; a made-up recent one costs a few lookups, and chat starts are
 * rate-limited.
 */
async function shownElsewhere<T>(
  exposureId: string,
  find: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const shownAt = timeOfId(exposureId, 'exp');
  if (shownAt === null) return undefined;
  const due = Math.min(shownAt, Date.now()) + EXPOSURE_ROW_LATE_MS;
  for (let wait = 25; Date.now() < due; wait *= 2) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, due - Date.now())));
    const found = await find();
    if (found) return found;
  }
  return undefined;
}

/** What is known right now about the visitor who starts a chat (their live state on some node). */
export interface VisitorSignals {
  /** The cart total, when the visitor has a cart. */
  cartTotal?: number;
  /** The purchase-propensity model's score, once the model sets it on the visitor's state. */
  score?: number;
}

/** Looks up a visitor's signals by site and visitor id; undefined when the visitor is unknown. */
export type VisitorSignalsLookup = (siteId: string, visitorId: string) => Promise<VisitorSignals | undefined>;

/**
 * Adds the visitor's value to a resolver's context: the cart total from their live state, so the
 * queue serves campaign priority first, then cart value, then the longest wait. The score travels
 * the same way: `score` here is whatever the propensity model has set on the visitor's state
 * (`VisitorState.score`, see `VisitorSignals`), stored on the conversation and ordered by after value.
 */
export function withVisitorSignals(base: OriginResolver, lookup: VisitorSignalsLookup): OriginResolver {
  return async (q) => {
    const [origin, signals] = await Promise.all([
      base(q),
      q.visitorId ? lookup(q.siteId, q.visitorId).catch(() => undefined) : undefined,
    ]);
    if (!signals) return origin;
    const value = signals.cartTotal;
    const score = signals.score;
    return {
      ...origin,
      ...(value !== undefined && Number.isFinite(value) && value > 0 ? { value } : {}),
      // Propensity hook: a score the model put on the visitor's state joins the queue order here.
      ...(score !== undefined && Number.isFinite(score) ? { score } : {}),
    };
  };
}
