import type { Role } from '@beckon/protocol/api';
import { ALL_ROLES, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { chatOf } from '../conversations/chat-module.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import { scoringOf } from '../scoring/scoring-runtime.ts';
import { IdParams, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { engagementOf } from './engagement-runtime.ts';
import type { JourneyEntry, LiveVisitor } from './live-visitor.ts';
import {
  InviteBody,
  InviteResult,
  VisitorJourney,
  VisitorList,
  VisitorListQuery,
  VisitorQuery,
} from './visitor-api-schemas.ts';
import { restoreVisitor } from './visitor-records.ts';
import {
  journeyPages,
  matchesFilter,
  visitorClock,
  visitorJourney,
  visitorSummary,
} from './visitor-views.ts';

/** A visitor found live or in the store, with what its journey needs. */
interface Found {
  state: LiveVisitor['state'];
  siteId: string;
  firstSeenAt: number;
  sessionCount: number;
  pages: JourneyEntry[];
}

const INVITERS: readonly Role[] = ['owner', 'admin', 'agent'];
const DEFAULT_INVITATION = 'Hi! Can I help you with anything?';

/** Live visitors (who is on the site now), a visitor's journey, and an agent's manual chat invitation. */
export function visitorsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const inviters = { onRequest: requireRole(store, INVITERS) };
  const tags = ['visitors'];

  app.get(
    '/api/v1/visitors',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'Visitors on the account’s sites now',
        description:
          'Everyone with an open tag connection (or active in the last 30 s), most recently active first; ' +
          'filter by site, page or section substring, returning, device and minimum cart total.',
        querystring: VisitorListQuery,
        response: replies(200, VisitorList),
      },
    },
    async (req) => {
      const rt = engagementOf(ctx);
      const now = Date.now();
      const q = req.query;
      const live: LiveVisitor[] = [];
      for (const v of rt.tracker.visitorsOf(authOf(req).accountId)) {
        const recent = now - Math.max(v.state.lastEventAt, v.disconnectedAt) < rt.config.liveWindowMs;
        if ((v.channels.size > 0 || recent) && matchesFilter(v, q)) live.push(v);
      }
      live.sort((a, b) => b.state.lastEventAt - a.state.lastEventAt);
      const shown = live.slice(0, q.limit ?? 100);
      const chats = await store.conversations.chatsOfVisitors(
        authOf(req).accountId,
        shown.map((v) => ({ siteId: v.site.id, visitorId: v.state.visitorId })),
      );
      return {
        total: live.length,
        items: shown.map((v) => {
          const connected = v.channels.size > 0;
          return {
            ...visitorSummary(
              v.state,
              v.site.id,
              connected,
              visitorClock(now, connected, v.state, v.disconnectedAt),
            ),
            chat: chats.get(`${v.site.id}\u0000${v.state.visitorId}`) ?? null,
          };
        }),
      };
    },
  );

  app.get(
    '/api/v1/visitors/:id',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'A visitor’s journey',
        description:
          'Pages with times, attributes, cart, source, sessions and exposures; live or from the store.',
        params: IdParams,
        querystring: VisitorQuery,
        response: replies(200, VisitorJourney),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const id = req.params.id;
      const rt = engagementOf(ctx);
      const now = Date.now();
      const live = rt.tracker.findLive(accountId, id, req.query.siteId);
      let found: Found | null = live
        ? {
            state: live.state,
            siteId: live.site.id,
            firstSeenAt: live.firstSeenAt,
            sessionCount: live.sessionCount,
            pages: live.pages,
          }
        : null;
      if (!found) {
        const siteIds = req.query.siteId ? [req.query.siteId] : await store.visitors.sitesOf(accountId, id);
        for (const siteId of siteIds) {
          const stored = await store.visitors.get(siteId, id);
          const restored = stored && stored.accountId === accountId ? restoreVisitor(stored) : null;
          if (restored) {
            found = { ...restored, siteId };
            break;
          }
        }
      }
      if (!found) throw notFound('visitor');
      if (live) rt.tracker.persistNow(live);
      await store.eventsWriter.flush(); // sessions and exposures include what happened a moment ago
      const [sessions, exposures, campaignNames] = await Promise.all([
        store.visitors.sessions(accountId, found.siteId, id),
        store.exposures.forVisitor(accountId, found.siteId, id),
        store.campaigns.names(accountId),
      ]);
      const inviters = new Set(exposures.flatMap((x) => (x.agentId ? [x.agentId] : [])));
      const agentNames = await store.users.names(accountId, [...inviters]);
      const connected = (live?.channels.size ?? 0) > 0;
      const clock = visitorClock(now, connected, found.state, live?.disconnectedAt);
      const summary = visitorSummary(found.state, found.siteId, connected, clock);
      return visitorJourney(summary, found.state, {
        agentNames,
        firstSeenAt: found.firstSeenAt,
        sessionCount: found.sessionCount,
        pages: journeyPages(found.pages, found.state, clock),
        sessions,
        exposures,
        campaignNames,
        scoreFactors: scoringOf(ctx).explain(found.siteId, id)?.factors ?? [],
      });
    },
  );

  app.post(
    '/api/v1/visitors/:id/invite',
    {
      ...inviters,
      schema: {
        tags,
        security,
        summary: 'Invite a live visitor to chat now',
        description:
          'Sends a chat_invitation engage frame to the visitor’s open tag connection (409 when none). It names the inviter, and the chat goes to them, only while they are online with the console open and hold the skill (`from: you`); otherwise it comes from the team (`from: team`).',
        params: IdParams,
        body: InviteBody,
        response: replies(201, InviteResult),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const rt = engagementOf(ctx);
      const live = rt.tracker.findLive(auth.accountId, req.params.id, req.body.siteId);
      if (!live) throw notFound('live visitor');
      const user = auth.userId ? await store.users.get(auth.accountId, auth.userId) : undefined;
      let skillId = req.body.skillId ?? user?.skillIds[0];
      if (skillId) {
        await store.skills.assertOwned(auth.accountId, [skillId]);
      } else {
        skillId = (await store.skills.list(auth.accountId))[0]?.id;
        if (!skillId) throw badRequest('the account has no skill to invite to', 'no_skill');
      }
      // In the inviter's name only when they would answer it: online, in the console, with the skill.
      // Otherwise the team invites, and routing picks whoever is free.
      const named = user && (await answersNow(ctx, auth.accountId, user, skillId));
      const exposureId = rt.tracker.invite(
        live,
        {
          skillId,
          message: req.body.message ?? DEFAULT_INVITATION,
          ...(user ? { agentId: user.id } : {}),
          ...(named ? { agentName: user.name } : {}),
        },
        Date.now(),
      );
      if (!exposureId)
        throw new AppError(409, 'visitor_offline', 'the visitor has no open connection right now');
      return reply
        .code(201)
        .send({ exposureId, visitorId: live.visitorId, siteId: live.site.id, from: named ? 'you' : 'team' });
    },
  );
}

/** True when a chat of `skillId` would be offered to `user` now: online, with the console open, holding the skill. */
async function answersNow(
  ctx: AppContext,
  accountId: string,
  user: { id: string; status: string; skillIds: readonly string[] },
  skillId: string,
): Promise<boolean> {
  if (user.status !== 'online' || !user.skillIds.includes(skillId)) return false;
  return (await chatOf(ctx)?.presence.connected(accountId))?.has(user.id) ?? false;
}
