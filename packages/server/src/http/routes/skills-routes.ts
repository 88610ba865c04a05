import { ListOf, Skill, SkillCreate, SkillUpdate } from '@beckon/protocol/api';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { IdParams, NoContent, replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';

/** Skills (queues): create, list, edit wait limits and transfer targets, delete. */
export function skillsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['skills'];

  app.get(
    '/api/v1/skills',
    { ...readers, schema: { tags, security, summary: 'List skills', response: replies(200, ListOf(Skill)) } },
    async (req) => ({
      items: await store.skills.list(authOf(req).accountId),
    }),
  );

  app.post(
    '/api/v1/skills',
    {
      ...admins,
      schema: { tags, security, summary: 'Create a skill', body: SkillCreate, response: replies(201, Skill) },
    },
    async (req, reply) => reply.code(201).send(await store.skills.create(authOf(req).accountId, req.body)),
  );

  app.get(
    '/api/v1/skills/:id',
    {
      ...readers,
      schema: { tags, security, summary: 'One skill', params: IdParams, response: replies(200, Skill) },
    },
    async (req) => store.skills.get(authOf(req).accountId, req.params.id),
  );

  app.patch(
    '/api/v1/skills/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Edit a skill',
        params: IdParams,
        body: SkillUpdate,
        response: replies(200, Skill),
      },
    },
    async (req) => store.skills.update(authOf(req).accountId, req.params.id, req.body),
  );

  app.delete(
    '/api/v1/skills/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delete a skill',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      await store.skills.delete(authOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
