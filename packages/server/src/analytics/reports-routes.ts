import type { Role } from '@beckon/protocol/api';
import { CallsReport, CallsReportQuery } from '@beckon/protocol/call-reports-api';
import {
  AgentsReport,
  CampaignLiftList,
  CampaignLiftReport,
  ChannelsReport,
  ConversationsReport,
  ConversationsReportQuery,
  CountryLiftReport,
  FunnelReport,
  LiveQuery,
  LiveReport,
  ReportQuery,
  UpliftBandReport,
} from '@beckon/protocol/reports-api';
import { SlaReport } from '@beckon/protocol/sla-api';
import { Wallboard, WallboardQuery } from '@beckon/protocol/wallboard-api';
import type { FastifyReply } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { errors, IdParams, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { accountCurrency } from './account-currency.ts';
import { agentsReport } from './agents-report.ts';
import { analyticsOf } from './analytics-runtime.ts';
import { callsCsv } from './calls-csv.ts';
import { callsReport } from './calls-report.ts';
import { channelsReport } from './channels-report.ts';
import { conversationsReport } from './conversations-report.ts';
import { countryLiftReport } from './country-lift-report.ts';
import { funnelAndAttributions } from './funnel-report.ts';
import { liftCampaigns, liftList, liftReport, likeForLike } from './lift-report.ts';
import {
  agentsCsv,
  channelsCsv,
  conversationsCsv,
  countryLiftCsv,
  dimensionCsv,
  funnelCsv,
  liftCsv,
  liveCsv,
  upliftBandsCsv,
} from './report-csv.ts';
import { isTimeZone, periodOf, type ReportFilters, resolveFilters } from './report-filters.ts';
import { slaCsv, slaReport } from './sla-report.ts';
import { upliftBandReport } from './uplift-band-report.ts';
import { wallboard } from './wallboard.ts';

/** Who may read reports: not agents (they see their own work in the inbox). */
export const REPORT_READERS: readonly Role[] = ['owner', 'admin', 'analyst'];

/** Single-campaign lift runs the revenue bootstrap; the list gives Welch's interval only (fast). */
const SINGLE_BOOTSTRAP = 2000;

/** Who may open the wallboard: the people who run the team. */
export const WALLBOARD_READERS: readonly Role[] = ['owner', 'admin'];

/** A 200 that is JSON by default and CSV (with a header row) with `?format=csv`. */
export const jsonOrCsv = <T extends TSchema>(schema: T) => ({
  200: {
    description: 'The report (JSON), or its table as CSV with `?format=csv`',
    content: {
      'application/json': { schema },
      'text/csv': { schema: Type.String() },
    },
  },
  ...errors,
});

/** Sends a report as a CSV download named after it and its period. */
export function sendCsv(
  reply: FastifyReply,
  name: string,
  f: Pick<ReportFilters, 'from' | 'to'>,
  body: string,
) {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="beckon-${name}-${day(f.from)}-to-${day(f.to)}.csv"`)
    .header('cache-control', 'no-store')
    .send(body);
}

/** Analytics: funnel, conversations, agents, campaign lift and the live dashboard, as JSON or CSV. */
export function reportsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const db = store.reportsDb;
  const readers = { onRequest: requireRole(store, REPORT_READERS) };
  const tags = ['reports'];
  const runtime = analyticsOf(ctx);
  const describe = (summary: string, description: string, response: TSchema) => ({
    tags,
    security,
    summary,
    description,
    querystring: ReportQuery,
    response: jsonOrCsv(response),
  });
  /** A report of one campaign: `/api/v1/reports/campaigns/:id/…`. */
  const ofCampaign = (summary: string, description: string, response: TSchema) => ({
    ...describe(summary, description, response),
    params: IdParams,
  });
  /** The campaign (deleted ones too) and the filters scoped to it; 404 when the account has no such campaign. */
  const oneCampaign = async (accountId: string, id: string, query: ReportQuery) => {
    const [campaign] = await liftCampaigns(db, accountId, id);
    if (!campaign) throw notFound('campaign');
    const f = await resolveFilters(db, accountId, { ...query, campaignId: campaign.id });
    return { campaign, f };
  };

  app.get(
    '/api/v1/reports/funnel',
    {
      ...readers,
      schema: describe(
        'Engagement funnel',
        'Visitors → qualified → exposed → accepted/clicked → conversation → converted (within the attribution window), with revenue, and the control group beside it.',
        FunnelReport,
      ),
    },
    async (req, reply) => {
      const f = await resolveFilters(db, authOf(req).accountId, req.query);
      const funnel = await funnelAndAttributions(db, f);
      const report = {
        ...funnel.report,
        likeForLike: f.campaignId ? null : await likeForLike(db, f, funnel.attributions ?? undefined),
      };
      return req.query.format === 'csv' ? sendCsv(reply, 'funnel', f, funnelCsv(report)) : report;
    },
  );

  app.get(
    '/api/v1/reports/conversations',
    {
      ...readers,
      schema: {
        ...describe(
          'Conversations',
          'Volume, answered, missed, abandoned, transferred, wait, first response and handle times, CSAT — per day, per intent and sentiment (assist), and in total. CSV: per day, or with `by=intent` or `by=sentiment`.',
          ConversationsReport,
        ),
        querystring: ConversationsReportQuery,
      },
    },
    async (req, reply) => {
      const { by, ...query } = req.query;
      const f = await resolveFilters(db, authOf(req).accountId, query);
      const report = await conversationsReport(db, f);
      if (req.query.format !== 'csv') return report;
      const body =
        by === 'intent'
          ? dimensionCsv('intent', report.intents ?? [], report.total)
          : by === 'sentiment'
            ? dimensionCsv('sentiment', report.sentiments ?? [], report.total)
            : conversationsCsv(report.days, report.total);
      return sendCsv(reply, by && by !== 'day' ? `conversations-by-${by}` : 'conversations', f, body);
    },
  );

  app.get(
    '/api/v1/reports/channels',
    {
      ...readers,
      schema: describe(
        'Conversations by channel',
        'Per channel (web chat, e-mail, in-app, WhatsApp, Telegram, SMS, …): volume, answered, missed, wait, first response and handle times, CSAT — and the total.',
        ChannelsReport,
      ),
    },
    async (req, reply) => {
      const f = await resolveFilters(db, authOf(req).accountId, req.query);
      const report = await channelsReport(db, f);
      return req.query.format === 'csv'
        ? sendCsv(reply, 'channels', f, channelsCsv(report.channels, report.total))
        : report;
    },
  );

  app.get(
    '/api/v1/reports/agents',
    {
      ...readers,
      schema: describe(
        'Agents',
        'Per agent: conversations, first response, handle time, concurrency and utilisation of capacity, CSAT.',
        AgentsReport,
      ),
    },
    async (req, reply) => {
      const f = await resolveFilters(db, authOf(req).accountId, req.query);
      const report = await agentsReport(db, f);
      return req.query.format === 'csv' ? sendCsv(reply, 'agents', f, agentsCsv(report.agents)) : report;
    },
  );

  app.get(
    '/api/v1/reports/calls',
    {
      ...readers,
      schema: {
        ...describe(
          'Calls',
          'Calls offered, answered, abandoned, answer rate, wait (average and 90th percentile), talk, hold and transfers — in total, per day, per skill and per agent — and callbacks by outcome.',
          CallsReport,
        ),
        querystring: CallsReportQuery,
      },
    },
    async (req, reply) => {
      const { channel, ...query } = req.query;
      const f = await resolveFilters(db, authOf(req).accountId, query);
      const report = await callsReport(db, { ...f, ...(channel ? { channel } : {}) });
      return req.query.format === 'csv' ? sendCsv(reply, 'calls', f, callsCsv(report)) : report;
    },
  );

  app.get(
    '/api/v1/reports/sla',
    {
      ...readers,
      schema: describe(
        'Service levels',
        'Of the conversations that asked in the range in a skill with targets: the share that met the first-response and resolution targets, and breaches by skill, agent, channel and day (CSV: the breakdowns).',
        SlaReport,
      ),
    },
    async (req, reply) => {
      const f = await resolveFilters(db, authOf(req).accountId, req.query);
      const report = await slaReport(store, f);
      return req.query.format === 'csv' ? sendCsv(reply, 'sla', f, slaCsv(report)) : report;
    },
  );

  app.get(
    '/api/v1/reports/campaigns',
    {
      ...readers,
      schema: describe(
        'Lift of every campaign',
        'Exposed vs control per campaign: visitors, conversions, rate, revenue per visitor, absolute and relative lift with 95 % intervals, p-values.',
        CampaignLiftList,
      ),
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const f = await resolveFilters(db, accountId, req.query);
      let campaigns = await liftCampaigns(db, accountId);
      if (f.skillCampaignIds) campaigns = campaigns.filter((c) => f.skillCampaignIds!.includes(c.id));
      if (f.campaignId) campaigns = campaigns.filter((c) => c.id === f.campaignId);
      const { campaigns: rows, overlap } = await liftList(db, f, campaigns, { bootstrapIterations: 0 });
      const currency = await accountCurrency(db, accountId);
      return req.query.format === 'csv'
        ? sendCsv(reply, 'campaign-lift', f, liftCsv(rows, currency))
        : { period: periodOf(f), currency, campaigns: rows, overlap };
    },
  );

  app.get(
    '/api/v1/reports/campaigns/:id/lift',
    {
      ...readers,
      schema: ofCampaign(
        'Lift of one campaign',
        'Exposed vs control of one campaign; revenue per visitor compared by Welch’s t and a seeded bootstrap.',
        CampaignLiftReport,
      ),
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const { campaign, f } = await oneCampaign(accountId, req.params.id, req.query);
      const [lift] = await liftReport(db, f, [campaign], { bootstrapIterations: SINGLE_BOOTSTRAP });
      const currency = await accountCurrency(db, accountId);
      if (req.query.format === 'csv')
        return sendCsv(reply, `lift-${campaign.id}`, f, liftCsv([lift!], currency));
      return { period: periodOf(f), currency, lift: lift! };
    },
  );

  app.get(
    '/api/v1/reports/campaigns/:id/countries',
    {
      ...readers,
      schema: ofCampaign(
        'Lift of one campaign by country',
        'Exposed vs control of one campaign per visitor country (IP geolocation by DB-IP), with lifts, 95 % intervals and p-values.',
        CountryLiftReport,
      ),
    },
    async (req, reply) => {
      const { campaign, f } = await oneCampaign(authOf(req).accountId, req.params.id, req.query);
      const report = await countryLiftReport(db, f, campaign);
      if (req.query.format !== 'csv') return report;
      return sendCsv(reply, `countries-${campaign.id}`, f, countryLiftCsv(report.countries, report.currency));
    },
  );

  app.get(
    '/api/v1/reports/campaigns/:id/uplift',
    {
      ...readers,
      schema: ofCampaign(
        'Lift of one campaign by predicted uplift',
        'The campaign’s uplift model (or why it has none, with the counts) and its qualified visitors in quintiles of predicted uplift: exposed vs control per band, with lifts, 95 % intervals and p-values.',
        UpliftBandReport,
      ),
    },
    async (req, reply) => {
      const { campaign, f } = await oneCampaign(authOf(req).accountId, req.params.id, req.query);
      const report = await upliftBandReport(db, f, campaign);
      if (req.query.format !== 'csv') return report;
      return sendCsv(reply, `uplift-${campaign.id}`, f, upliftBandsCsv(report.bands, report.currency));
    },
  );

  app.get(
    '/api/v1/reports/live',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'Live dashboard',
        description:
          'Visitors on site now, qualified and exposed (last 30 min), queues per skill, chats, agents online/available/at capacity, ' +
          'longest wait, today’s first response and sales, and the last hour per minute (CSV: the trend).',
        querystring: LiveQuery,
        response: jsonOrCsv(LiveReport),
      },
    },
    async (req, reply) => {
      const tz = req.query.tz ?? 'UTC';
      if (!isTimeZone(tz)) throw badRequest(`tz: unknown time zone "${tz}"`);
      const report = await runtime.live.get(authOf(req).accountId, req.query.siteId, tz);
      if (req.query.format !== 'csv') return report;
      const now = Date.parse(report.at);
      return sendCsv(reply, 'live', { from: now - 3_600_000, to: now }, liveCsv(report));
    },
  );
  app.get(
    '/api/v1/wallboard',
    {
      onRequest: requireRole(store, WALLBOARD_READERS),
      schema: {
        tags,
        security,
        summary: 'Wallboard',
        description:
          'Per skill: waiting now, longest wait, waiting past the first-response target, first responses within SLA today ' +
          '(count and share; null where the skill sets no targets) and abandoned today. Per agent: state and seconds in it, ' +
          'chats, offers and calls now, and load against capacity.',
        querystring: WallboardQuery,
        response: { 200: Wallboard, ...errors },
      },
    },
    async (req) => {
      const tz = req.query.tz ?? 'UTC';
      if (!isTimeZone(tz)) throw badRequest(`tz: unknown time zone "${tz}"`);
      return wallboard(ctx, authOf(req).accountId, tz);
    },
  );
}
