import { variantEngagement } from '@beckon/core';
import { type ConditionRules, type ValidCampaignInput, validateCampaignInput } from '@beckon/protocol';
import { ListOf } from '@beckon/protocol/api';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { AppError, badRequest } from '../errors.ts';
import type { CampaignRecord } from '../store/campaigns-repo.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import {
  CampaignCreateBody,
  CampaignListQuery,
  CampaignPatchBody,
  CampaignView,
} from './campaign-api-schemas.ts';
import { checkChannelMessage } from './channel-messages.ts';
import { engagementOf } from './engagement-runtime.ts';

/**
 * Bodies are documented with their schema but checked by `validateCampaignInput` in the handler,
 * which names the exact path of each fault (e.g. `/targeting/all/1/op`); other parts validate as usual.
 */
const bodyCheckedInHandler: FastifySchemaCompiler<TSchema> = (route) =>
  route.httpPart === 'body' ? (value: unknown) => ({ value }) : TypeBoxValidatorCompiler(route);

const view = ({ accountId: _a, ...c }: CampaignRecord) => c;

/** Throws 400 naming every fault's path, or returns the campaign with its defaults filled in. */
function validOrThrow(body: unknown, rules?: ConditionRules): ValidCampaignInput {
  const result = validateCampaignInput(body, rules);
  if (result.ok) return result.value;
  const message = result.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ');
  throw new AppError(400, 'invalid_campaign', message);
}

/** The stored definition as a create body, so a patch can be merged onto it and validated whole. */
function asInput(c: CampaignRecord): Record<string, unknown> {
  const { id: _id, accountId: _a, version: _v, createdAt: _c, updatedAt: _u, ...input } = c;
  return input;
}

/** Campaigns: who to engage, when and how; changes take effect on every node at once. */
export function campaignsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['campaigns'];

  const assertSkill = async (accountId: string, c: ValidCampaignInput) => {
    // Each variant is checked as the engagement it delivers.
    const arms = [
      c.engagement,
      ...(c.engagement.variants ?? []).map((v) => variantEngagement(c.engagement, v)),
    ];
    for (const [i, e] of arms.entries()) {
      const at = i === 0 ? '/engagement' : `/engagement/variants/${i - 1}`;
      if (e.type === 'message') await checkChannelMessage(store, accountId, e, at);
      if (e.type === 'message' || e.type === 'content') continue;
      try {
        await store.skills.assertOwned(accountId, [e.skillId]);
      } catch {
        throw new AppError(400, 'invalid_campaign', `${at}/skillId: no such skill in this account`);
      }
    }
  };
  const changed = (accountId: string) => engagementOf(ctx).campaignsChanged(accountId);

  app.get(
    '/api/v1/campaigns',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'List campaigns',
        querystring: CampaignListQuery,
        response: replies(200, ListOf(CampaignView)),
      },
    },
    async (req) => ({
      items: (await store.campaigns.list(authOf(req).accountId, req.query.status)).map(view),
    }),
  );

  app.post(
    '/api/v1/campaigns',
    {
      ...admins,
      validatorCompiler: bodyCheckedInHandler,
      schema: {
        tags,
        security,
        summary: 'Create a campaign',
        description:
          'An invalid condition tree is refused with the JSON-pointer path of each fault. The server ' +
          'chooses the id (`cmp_…`); a body with an `id` is refused with 400, whatever the id.',
        body: CampaignCreateBody,
        response: replies(201, CampaignView),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      if (typeof req.body === 'object' && req.body !== null && 'id' in req.body)
        throw new AppError(400, 'invalid_campaign', '/id: campaign ids are chosen by the server');
      const input = validOrThrow(req.body);
      await assertSkill(accountId, input);
      const created = await store.campaigns.create(accountId, input);
      await changed(accountId);
      return reply.code(201).send(view(created));
    },
  );

  app.get(
    '/api/v1/campaigns/:id',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'One campaign',
        params: IdParams,
        response: replies(200, CampaignView),
      },
    },
    async (req) => view(await store.campaigns.get(authOf(req).accountId, req.params.id)),
  );

  app.patch(
    '/api/v1/campaigns/:id',
    {
      ...admins,
      validatorCompiler: bodyCheckedInHandler,
      schema: {
        tags,
        security,
        summary: 'Change a campaign (pause, edit targeting, …)',
        params: IdParams,
        body: CampaignPatchBody,
        response: replies(200, CampaignView),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const patch = req.body as unknown;
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
        throw badRequest('/: must be an object', 'invalid_campaign');
      }
      if ('id' in patch) throw new AppError(400, 'invalid_campaign', '/id: cannot be changed');
      const current = await store.campaigns.get(accountId, req.params.id);
      const merged: Record<string, unknown> = { ...asInput(current), ...patch };
      // `null` clears an optional part (e.g. `"schedule": null` runs the campaign at all times).
      for (const [k, v] of Object.entries(patch)) if (v === null) delete merged[k];
      // A stored `{any: []}` (from before the API refused it) does not block pausing or renaming.
      const input = validOrThrow(merged, { allowEmptyAny: !('targeting' in patch) });
      await assertSkill(accountId, input);
      const updated = await store.campaigns.replace(accountId, current.id, input);
      await changed(accountId);
      return view(updated);
    },
  );

  app.delete(
    '/api/v1/campaigns/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delete a campaign',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      await store.campaigns.delete(accountId, req.params.id);
      await changed(accountId);
      return reply.code(204).send(null);
    },
  );
}
