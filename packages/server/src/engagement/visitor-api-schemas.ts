import { ScoreFactor } from '@beckon/protocol/model-api';
import Type, { type Static } from 'typebox';

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends import('typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const VisitorExposureView = Type.Object({
  exposureId: Type.String(),
  /** 'manual' for an agent's invitation. */
  campaignId: Type.String(),
  control: Type.Boolean(),
  /** pending (sent, unanswered), shown, accepted, dismissed, clicked, ignored, or control. */
  outcome: Type.String(),
  at: Iso,
});

export const VisitorSummary = Type.Object({
  visitorId: Type.String(),
  siteId: Type.String(),
  sessionId: Type.String(),
  /** A socket is open now. */
  connected: Type.Boolean(),
  returning: Type.Boolean(),
  device: Type.String(),
  /** An app session (the SDK's hello): its platform and version. Absent on the web. */
  app: Type.Optional(
    Type.Object({
      platform: Type.Union([Type.Literal('ios'), Type.Literal('android')]),
      version: Type.String(),
    }),
  ),
  /** Where the visitor is, from their address (IP geolocation by DB-IP); null when unknown. */
  geo: Nullable(
    Type.Object({
      country: Type.Optional(Type.String({ description: 'ISO 3166-1 alpha-2' })),
      region: Type.Optional(Type.String()),
      city: Type.Optional(Type.String()),
      timezone: Type.Optional(Type.String()),
    }),
  ),
  page: Nullable(
    Type.Object({
      url: Type.String(),
      path: Type.String(),
      title: Type.Optional(Type.String()),
      sections: Type.Array(Type.String()),
    }),
  ),
  timeOnPageSeconds: Type.Number(),
  timeOnSiteSeconds: Type.Number(),
  pageViews: Type.Integer(),
  cart: Nullable(Type.Object({ total: Type.Number(), itemCount: Type.Integer(), currency: Type.String() })),
  source: Type.Object({
    channel: Type.String(),
    source: Type.Optional(Type.String()),
    medium: Type.Optional(Type.String()),
    campaign: Type.Optional(Type.String()),
  }),
  score: Nullable(Type.Number()),
  /** Share (%) of the site's recent visitors scoring at least as high ("in the top 5 %"). */
  scoreTop: Nullable(Type.Number()),
  /** This session's exposures and control qualifications. */
  exposures: Type.Array(VisitorExposureView),
  lastEventAt: Iso,
  /** A conversation of the visitor not yet resolved: waiting for an agent, or with one. */
  chat: Type.Optional(Nullable(Type.Union([Type.Literal('waiting'), Type.Literal('active')]))),
  /** This visit's latest purchase (the cart it emptied). */
  purchase: Nullable(
    Type.Object({
      total: Type.Number(),
      itemCount: Type.Integer(),
      currency: Nullable(Type.String()),
      at: Iso,
    }),
  ),
});
export type VisitorSummary = Static<typeof VisitorSummary>;

export const JourneyPage = Type.Object({
  url: Type.String(),
  title: Type.Optional(Type.String()),
  sections: Type.Array(Type.String()),
  at: Iso,
  /** Time until the next page (for the current page: visible time so far). */
  seconds: Type.Number(),
});

export const JourneySession = Type.Object({
  id: Type.String(),
  startedAt: Iso,
  lastEventAt: Iso,
  pageViews: Type.Integer(),
  returning: Type.Boolean(),
  landingUrl: Nullable(Type.String()),
  referrer: Nullable(Type.String()),
  channel: Nullable(Type.String()),
  source: Nullable(Type.String()),
});

export const JourneyExposure = Type.Object({
  id: Type.String(),
  campaignId: Nullable(Type.String()),
  campaignName: Nullable(Type.String()),
  engagementType: Type.String(),
  /** The agent who sent a manual invitation (null for a campaign's exposure). */
  agentId: Nullable(Type.String()),
  /** That agent's name, as the console shows it (null when unknown or since deleted). */
  agentName: Nullable(Type.String()),
  control: Type.Boolean(),
  outcome: Nullable(Type.String()),
  createdAt: Iso,
  shownAt: Nullable(Iso),
  outcomeAt: Nullable(Iso),
});

const { exposures: _sessionExposures, ...summaryFields } = VisitorSummary.properties;

export const VisitorJourney = Type.Object({
  ...summaryFields,
  firstSeenAt: Iso,
  sessionCount: Type.Integer(),
  /** Engagement attributes: latest value and when it was reported. */
  attributes: Type.Record(Type.String(), Type.Object({ value: Type.Unknown(), at: Iso })),
  cartItems: Type.Array(Type.Unknown()),
  traits: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  sectionViews: Type.Record(Type.String(), Type.Integer()),
  events: Type.Array(Type.Object({ name: Type.String(), count: Type.Integer(), lastAt: Iso })),
  /** The current session's pages, in order. */
  pages: Type.Array(JourneyPage),
  sessions: Type.Array(JourneySession),
  /** Every exposure of the visitor (all sessions), newest first, with what became of it. */
  exposures: Type.Array(JourneyExposure),
  /** The three features that raised or lowered the score most (empty when the visitor is not being scored now). */
  scoreFactors: Type.Array(ScoreFactor),
});
export type VisitorJourney = Static<typeof VisitorJourney>;

export const VisitorListQuery = Type.Object({
  siteId: Type.Optional(Type.String({ maxLength: 64 })),
  /** Substring of the current page's URL, title or section labels (case-insensitive). */
  page: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  returning: Type.Optional(Type.Boolean()),
  device: Type.Optional(
    Type.Union([
      Type.Literal('desktop'),
      Type.Literal('tablet'),
      Type.Literal('mobile'),
      Type.Literal('other'),
    ]),
  ),
  cartMin: Type.Optional(Type.Number({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
export type VisitorListQuery = Static<typeof VisitorListQuery>;

export const VisitorList = Type.Object({ items: Type.Array(VisitorSummary), total: Type.Integer() });

export const VisitorQuery = Type.Object({ siteId: Type.Optional(Type.String({ maxLength: 64 })) });

export const InviteBody = Type.Object(
  {
    siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    skillId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const InviteResult = Type.Object({
  exposureId: Type.String(),
  visitorId: Type.String(),
  siteId: Type.String(),
  /** `you`: the invitation names the inviter, who gets the chat; `team`: they are not online, so anyone free answers. */
  from: Type.Union([Type.Literal('you'), Type.Literal('team')]),
});
