import {
  type PushSettings,
  PushSettingsInput,
  PushSettings as PushSettingsSchema,
} from '@beckon/protocol/messaging-api';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { checkConfiguredUrl } from '../../egress/configured-url.ts';
import type { Egress } from '../../egress/egress.ts';
import { badRequest } from '../../errors.ts';
import type { SitePushSettings, SitePushSettingsPatch } from '../../store/app-push-repo.ts';
import { IdParams, replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';
import { checkApnsCredentials } from './apns-sender.ts';
import { type FcmServiceAccount, parseServiceAccount } from './fcm-sender.ts';

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** The settings as the console sees them: what is set and the last outcome, never a key or secret. */
function view(s: SitePushSettings | undefined): PushSettings {
  const fcm = s?.fcm_service_account ? (JSON.parse(s.fcm_service_account) as Record<string, string>) : null;
  const apns = s?.apns ? (JSON.parse(s.apns) as Record<string, string>) : null;
  return {
    fcm: fcm ? { projectId: fcm.project_id ?? '', clientEmail: fcm.client_email ?? '' } : null,
    apns: apns
      ? {
          keyId: apns.keyId ?? '',
          teamId: apns.teamId ?? '',
          bundleId: apns.bundleId ?? '',
          environment: apns.environment ?? '',
        }
      : null,
    webhook: s?.webhook_url ? { url: s.webhook_url } : null,
    lastError:
      s?.last_error_code && s.last_error_at != null
        ? {
            provider: s.last_error_provider ?? '',
            code: s.last_error_code,
            message: s.last_error ?? '',
            at: iso(s.last_error_at)!,
          }
        : null,
    lastSuccessAt: iso(s?.last_success_at ?? null),
  };
}

/** The credentials in a request, checked, as the stored patch; a fault is a 400 naming the field. */
async function patchOf(body: PushSettingsInput, egress: Egress): Promise<SitePushSettingsPatch> {
  const patch: SitePushSettingsPatch = {};
  if (body.fcm !== undefined) {
    if (body.fcm === null) patch.fcm_service_account = null;
    else {
      let account: FcmServiceAccount;
      try {
        account = parseServiceAccount(body.fcm.serviceAccount);
      } catch (err) {
        throw badRequest(`/fcm/serviceAccount: ${(err as Error).message}`);
      }
      // The token endpoint is the file's to name: it is reached like any configured URL.
      await checkConfiguredUrl(egress, account.token_uri, '/fcm/serviceAccount/token_uri');
      patch.fcm_service_account = body.fcm.serviceAccount;
    }
  }
  if (body.apns !== undefined) {
    if (body.apns === null) patch.apns = null;
    else {
      try {
        checkApnsCredentials(body.apns);
      } catch (err) {
        throw badRequest(`/apns/key: ${(err as Error).message}`);
      }
      patch.apns = JSON.stringify(body.apns);
    }
  }
  if (body.webhook !== undefined) {
    if (body.webhook) await checkConfiguredUrl(egress, body.webhook.url, '/webhook/url');
    patch.webhook_url = body.webhook?.url ?? null;
    patch.webhook_secret = body.webhook?.secret ?? null;
  }
  return patch;
}

/** A site's push settings for its app: FCM, APNs, a webhook, and the last delivery error. */
export function pushSettingsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const tags = ['sites'];

  app.get(
    '/api/v1/sites/:id/push',
    {
      onRequest: requireRole(store, ALL_ROLES),
      schema: {
        tags,
        security,
        summary: 'Push settings of the site’s app (which are set, and the last delivery error)',
        params: IdParams,
        response: replies(200, PushSettingsSchema),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const site = await store.sites.get(accountId, req.params.id);
      return view(await store.appPush.settings(accountId, site.id));
    },
  );

  app.put(
    '/api/v1/sites/:id/push',
    {
      onRequest: requireRole(store, ADMINS),
      schema: {
        tags,
        security,
        summary:
          'Set or clear the FCM service account, the APNs key and the push webhook (owners and admins)',
        params: IdParams,
        body: PushSettingsInput,
        response: replies(200, PushSettingsSchema),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const site = await store.sites.get(accountId, req.params.id);
      await store.appPush.saveSettings(accountId, site.id, await patchOf(req.body, ctx.egress));
      return view(await store.appPush.settings(accountId, site.id));
    },
  );
}
