import { compileSectionKinds, DEFAULT_SPECIAL_DAYS, PAGE_KINDS } from '@beckon/core/features/index';
import {
  ModelStatus,
  SiteModelSettings,
  SiteModelSettingsView,
  TrainNowRun,
  type UpliftTrainingRun,
} from '@beckon/protocol/model-api';
import { ReportQuery, ScoreBandReport } from '@beckon/protocol/reports-api';
import Type from 'typebox';
import { resolveFilters } from '../analytics/report-filters.ts';
import { REPORT_READERS } from '../analytics/reports-routes.ts';
import { bandCampaign, scoreBandReport } from '../analytics/score-band-report.ts';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import { IdParams, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { modelStatus, trainingRunView } from './model-status.ts';
import { scoringOf } from './scoring-runtime.ts';
import type { UpliftRun } from './uplift-trainer.ts';

const TrainBody = Type.Object(
  {
    wait: Type.Optional(
      Type.Boolean({ description: 'Answer when training is over (200) instead of at once (202)' }),
    ),
  },
  { additionalProperties: false },
);
const TrainAccepted = Type.Object({
  running: Type.Boolean(),
  startedAt: Type.String({ format: 'date-time' }),
  /** The campaigns reading predicted uplift whose uplift models are being retrained too. */
  upliftCampaignIds: Type.Array(Type.String()),
});

/** Days per month in a leap year: the most a special day's date may name. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The purchase-propensity model: what scores the account's visitors, training, per-site features, lift by score band. */
export function modelRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const admins = { onRequest: requireRole(store, ADMINS) };
  const reportReaders = { onRequest: requireRole(store, REPORT_READERS) };
  const tags = ['model'];
  const rt = () => scoringOf(ctx);

  app.get(
    '/api/v1/model',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'The active purchase-propensity model',
        description:
          'Which model scores the account’s visitors (the shipped default or one trained on its own sessions), its held-out AUROC, AUPR and Brier score, ' +
          'feature importances, the labelled sessions available for training, and recent training runs.',
        response: replies(200, ModelStatus),
      },
    },
    async (req) => modelStatus(rt(), authOf(req).accountId),
  );

  app.post(
    '/api/v1/model/train',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Train the account’s model now',
        description:
          'Trains on the account’s finished sessions in a worker thread (the server keeps serving), judges the new model on the most recent ' +
          '20 % of sessions against the model in use, and activates it on every node only if it is not worse. 409 when there is not enough data. ' +
          'It also retrains the uplift models of the campaigns that read predicted uplift (an `uplift` condition or the positive-only mode).',
        body: Type.Optional(TrainBody),
        response: { ...replies(200, TrainNowRun), 202: TrainAccepted },
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const data = await rt().trainer.dataOf(accountId);
      if (!data.enough) {
        throw new AppError(
          409,
          'not_enough_data',
          `training needs ${data.minSessions} finished sessions with ${data.minPurchases} purchases; ` +
            `the account has ${data.sessions} with ${data.purchases}`,
        );
      }
      const upliftCampaignIds = await rt().upliftTrainer.readers(accountId);
      const done = rt().trainer.train(accountId, 'manual');
      const uplift = rt().upliftTrainer.trainCampaigns(accountId, upliftCampaignIds);
      if (req.body?.wait) {
        const [run, runs] = await Promise.all([done, uplift]);
        return reply.code(200).send({ ...trainingRunView(run), uplift: runs.map(upliftRunView) });
      }
      void done.catch(() => {});
      void uplift.catch((err: unknown) => req.log.error({ err, accountId }, 'uplift training failed'));
      const running = rt().trainer.running.get(accountId);
      return reply.code(202).send({
        running: true,
        startedAt: new Date(running?.startedAt ?? Date.now()).toISOString(),
        upliftCampaignIds,
      });
    },
  );

  app.get(
    '/api/v1/sites/:id/model-settings',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'A site’s model features settings',
        description:
          'How section labels map to administrative / informational / product pages, and the special-day calendar.',
        params: IdParams,
        response: replies(200, SiteModelSettingsView),
      },
    },
    async (req) => {
      const site = await store.sites.get(authOf(req).accountId, req.params.id);
      return settingsView(site.id, await store.modelSettings.get(site.id));
    },
  );

  app.put(
    '/api/v1/sites/:id/model-settings',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Change a site’s model features settings',
        params: IdParams,
        body: SiteModelSettings,
        response: replies(200, SiteModelSettingsView),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const site = await store.sites.get(accountId, req.params.id);
      const body = req.body;
      body.specialDays?.forEach((d, i) => {
        if ('day' in d && d.day > MONTH_DAYS[d.month - 1]!) {
          throw badRequest(`/specialDays/${i}/day: month ${d.month} has no day ${d.day}`);
        }
      });
      await store.modelSettings.put(accountId, site.id, body);
      rt().sites.settingsChanged(site.id, body);
      return settingsView(site.id, body);
    },
  );

  app.get(
    '/api/v1/reports/campaigns/:id/bands',
    {
      ...reportReaders,
      schema: {
        tags: ['reports'],
        security,
        summary: 'Lift of one campaign by score band',
        description:
          'Exposed vs control split by the purchase score visitors had when they qualified (deciles, or quintiles when samples are small): ' +
          'rates, lift with 95 % intervals and the not-enough-data rule per band, and which bands positive-lift targeting keeps.',
        params: IdParams,
        querystring: Type.Omit(ReportQuery, ['format']),
        response: replies(200, ScoreBandReport),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const campaign = await bandCampaign(store.db, accountId, req.params.id);
      if (!campaign) throw notFound('campaign');
      const f = await resolveFilters(store.db, accountId, { ...req.query, campaignId: campaign.id });
      return scoreBandReport(store.db, f, campaign);
    },
  );
}

function upliftRunView(run: UpliftRun): UpliftTrainingRun {
  return { ...run, trainedAt: new Date(run.trainedAt).toISOString() };
}

function settingsView(siteId: string, settings: SiteModelSettings): SiteModelSettingsView {
  const kinds = compileSectionKinds(settings.sectionKinds, settings.unlabelled);
  return {
    siteId,
    settings,
    effectiveKinds: Object.fromEntries([...kinds.byLabel].map(([label, k]) => [label, PAGE_KINDS[k]!])),
    effectiveSpecialDays: [...(settings.specialDays ?? DEFAULT_SPECIAL_DAYS)],
  };
}
