import { request } from './http.ts';
import type { ModelStatus, SiteModelSettingsView, TrainingRun } from './types.ts';

/** The account's active purchase-propensity model, its data and its training runs. */
export const getModel = () => request<ModelStatus>('GET', '/api/v1/model');

/** Starts training now; the run's result shows in `getModel` when it is over. */
export const startTraining = () =>
  request<{ running: boolean; startedAt: string; upliftCampaignIds: string[] }>(
    'POST',
    '/api/v1/model/train',
    {
      body: {},
    },
  );

export type { TrainingRun };

/** A site's feature settings: section labels to page kinds, and its special-day calendar. */
export const getSiteModelSettings = (siteId: string) =>
  request<SiteModelSettingsView>('GET', `/api/v1/sites/${encodeURIComponent(siteId)}/model-settings`);

export const saveSiteModelSettings = (siteId: string, settings: SiteModelSettingsView['settings']) =>
  request<SiteModelSettingsView>('PUT', `/api/v1/sites/${encodeURIComponent(siteId)}/model-settings`, {
    body: settings,
  });
