import { ReportQuery } from '@beckon/protocol/reports-api';
import { VariantsReport } from '@beckon/protocol/variants-report-api';
import { authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { IdParams, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { accountCurrency } from './account-currency.ts';
import { DAY_MS } from './attribution-rules.ts';
import { isTimeZone, MAX_RANGE_DAYS, resolveFilters } from './report-filters.ts';
import { jsonOrCsv, REPORT_READERS, sendCsv } from './reports-routes.ts';
import { variantsCsv } from './variants-csv.ts';
import { armData, variantsCampaign } from './variants-data.ts';
import { localDate, variantsReport } from './variants-report.ts';

/** The variants report of a campaign: its arms, always-valid comparisons and their intervals over time. */
export function variantsRoutes(app: App, ctx: AppContext): void {
  const db = ctx.store.db;
  app.get(
    '/api/v1/reports/campaigns/:id/variants',
    {
      onRequest: requireRole(ctx.store, REPORT_READERS),
      schema: {
        tags: ['reports'],
        security,
        summary: 'Variants of one campaign',
        description:
          'Per arm (control and each variant, removed ones marked): visitors, conversions, revenue, conversion rate. ' +
          'Each variant against control and against each other: lift with an always-valid interval and p-value ' +
          '(a normal-mixture confidence sequence, valid however often it is read) and a verdict; and each ' +
          'variant’s interval against control day by day. Without `from`, the period starts on the day the campaign was made.',
        params: IdParams,
        querystring: ReportQuery,
        response: jsonOrCsv(VariantsReport),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const campaign = await variantsCampaign(db, accountId, req.params.id);
      if (!campaign) throw notFound('campaign');
      // An experiment is read from its start: by default the period begins on the day the campaign was
      // made (within the longest range a report covers).
      const tz = req.query.tz && isTimeZone(req.query.tz) ? req.query.tz : 'UTC';
      const start = Math.max(campaign.createdAt, Date.now() - (MAX_RANGE_DAYS - 1) * DAY_MS);
      const from = req.query.from ?? localDate(tz, start);
      const f = await resolveFilters(db, accountId, { ...req.query, from, campaignId: campaign.id });
      const rows = await armData(db, f, campaign.id);
      const report = variantsReport(campaign, rows, f, await accountCurrency(db, accountId));
      return req.query.format === 'csv'
        ? sendCsv(reply, `variants-${campaign.id}`, f, variantsCsv(report))
        : report;
    },
  );
}
