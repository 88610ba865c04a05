import { ListOf } from '@beckon/protocol/api';
import {
  type AutomationAction,
  type AutomationCondition,
  AutomationRule,
  AutomationRuleInput,
  AutomationRulePatch,
  AutomationRun,
} from '@beckon/protocol/automation-api';
import Type from 'typebox';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

const RunsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) });

/**
 * Automation rules and their run logs: owners and admins only. Every skill, agent, canned
 * response and webhook endpoint a rule names must be the caller's account's (else 400, naming it).
 */
export function automationRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['automation'];

  const checkRefs = async (
    accountId: string,
    conditions: readonly AutomationCondition[] = [],
    actions: readonly AutomationAction[] = [],
  ) => {
    const exists = async (path: string, what: string, look: () => Promise<unknown>) => {
      try {
        await look();
      } catch {
        throw new AppError(400, 'invalid_rule', `${path}: no such ${what} in this account`);
      }
    };
    for (const [i, c] of conditions.entries())
      if (c.type === 'skill')
        await exists(`/conditions/${i}/in`, 'skill', () => store.skills.assertOwned(accountId, c.in));
    for (const [i, a] of actions.entries()) {
      const path = `/actions/${i}`;
      if (a.type === 'assign_skill')
        await exists(`${path}/skillId`, 'skill', () => store.skills.get(accountId, a.skillId));
      if (a.type === 'assign_agent')
        await exists(`${path}/agentId`, 'agent', () => store.users.get(accountId, a.agentId));
      if (a.type === 'send_canned')
        await exists(`${path}/cannedId`, 'canned response', () =>
          store.cannedResponses.get(accountId, a.cannedId),
        );
      if (a.type === 'send_webhook')
        await exists(`${path}/endpointId`, 'webhook endpoint', () =>
          store.webhooks.row(accountId, a.endpointId),
        );
    }
  };

  app.get(
    '/api/v1/automation-rules',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'List automation rules',
        response: replies(200, ListOf(AutomationRule)),
      },
    },
    async (req) => ({ items: await store.automation.list(authOf(req).accountId) }),
  );

  app.post(
    '/api/v1/automation-rules',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Add an automation rule',
        description:
          'A trigger, conditions that must all hold, and actions run in order. A rule never runs ' +
          'again on what its own actions caused.',
        body: AutomationRuleInput,
        response: replies(201, AutomationRule),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      await checkRefs(accountId, req.body.conditions, req.body.actions);
      return reply.code(201).send(await store.automation.create(accountId, req.body));
    },
  );

  app.get(
    '/api/v1/automation-rules/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'One automation rule',
        params: IdParams,
        response: replies(200, AutomationRule),
      },
    },
    async (req) => store.automation.get(authOf(req).accountId, req.params.id),
  );

  app.patch(
    '/api/v1/automation-rules/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Change an automation rule (or enable and disable it)',
        params: IdParams,
        body: AutomationRulePatch,
        response: replies(200, AutomationRule),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      await checkRefs(accountId, req.body.conditions, req.body.actions);
      return store.automation.update(accountId, req.params.id, req.body);
    },
  );

  app.delete(
    '/api/v1/automation-rules/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delete an automation rule and its run log',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      await store.automation.remove(authOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/automation-rules/:id/runs',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'A rule’s run log, newest first: what fired, on which conversation, what each action did',
        params: IdParams,
        querystring: RunsQuery,
        response: replies(200, ListOf(AutomationRun)),
      },
    },
    async (req) => ({
      items: await store.automation.runs(authOf(req).accountId, req.params.id, req.query.limit ?? 50),
    }),
  );
}
