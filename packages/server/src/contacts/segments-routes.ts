import {
  type SegmentFilter,
  type SegmentInput,
  validateSegmentFilter,
  validateSegmentInput,
} from '@beckon/protocol';
import { ListOf } from '@beckon/protocol/api';
import {
  SegmentBody,
  SegmentMembersPage,
  SegmentMembersQuery,
  SegmentPatchBody,
  SegmentPreview,
  SegmentPreviewBody,
  SegmentView,
} from '@beckon/protocol/segments-api';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import type { SegmentRecord } from '../store/segments-repo.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

/** Bodies are checked in the handler, which names the path of each fault (`/filter/all/1/op`). */
const bodyCheckedInHandler: FastifySchemaCompiler<TSchema> = (route) =>
  route.httpPart === 'body' ? (value: unknown) => ({ value }) : TypeBoxValidatorCompiler(route);

const invalid = (errors: { path: string; message: string }[]) =>
  new AppError(400, 'invalid_segment', errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; '));

function validOrThrow(body: unknown): SegmentInput {
  const result = validateSegmentInput(body);
  if (!result.ok) throw invalid(result.errors);
  return result.value;
}

const SAMPLE = 10;

/** Segments: saved filters over contacts, with their live counts and members. */
export function segmentsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['segments'];
  const withCount = async (accountId: string, s: SegmentRecord) => ({
    ...s,
    count: await store.segments.count(accountId, s.filter),
  });

  app.get(
    '/api/v1/segments',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'List segments with their counts',
        response: replies(200, ListOf(SegmentView)),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const items = [];
      for (const s of await store.segments.list(accountId)) items.push(await withCount(accountId, s));
      return { items };
    },
  );

  app.post(
    '/api/v1/segments',
    {
      ...admins,
      validatorCompiler: bodyCheckedInHandler,
      schema: {
        tags,
        security,
        summary: 'Create a segment',
        description: 'An invalid filter is refused with the JSON-pointer path of each fault.',
        body: SegmentBody,
        response: replies(201, SegmentView),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const created = await store.segments.create(accountId, validOrThrow(req.body));
      return reply.code(201).send(await withCount(accountId, created));
    },
  );

  app.post(
    '/api/v1/segments/preview',
    {
      ...readers,
      validatorCompiler: bodyCheckedInHandler,
      schema: {
        tags,
        security,
        summary: 'Count and first members of a filter, without saving it',
        description: 'For the live count while a filter is edited.',
        body: SegmentPreviewBody,
        response: replies(200, SegmentPreview),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const body = req.body as { filter?: unknown; limit?: unknown } | null;
      const errors: { path: string; message: string }[] = [];
      const limit = body?.limit ?? SAMPLE;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 50)
        errors.push({ path: '/limit', message: 'must be a whole number from 1 to 50' });
      if (typeof body !== 'object' || body === null || !('filter' in body))
        errors.push({ path: '/filter', message: 'required' });
      else validateSegmentFilter(body.filter, '/filter', errors);
      if (errors.length > 0) throw invalid(errors);
      const filter = (body as { filter: SegmentFilter }).filter;
      const now = Date.now();
      const [count, members] = await Promise.all([
        store.segments.count(accountId, filter, now),
        store.segments.sample(accountId, filter, { limit: limit as number, now }),
      ]);
      return { count, members };
    },
  );

  app.get(
    '/api/v1/segments/:id',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'One segment with its count',
        params: IdParams,
        response: replies(200, SegmentView),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      return withCount(accountId, await store.segments.get(accountId, req.params.id));
    },
  );

  app.get(
    '/api/v1/segments/:id/contacts',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: "A page of the segment's contacts",
        description: 'Contacts in id order; pass `next` as `after` for the following page.',
        params: IdParams,
        querystring: SegmentMembersQuery,
        response: replies(200, SegmentMembersPage),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const segment = await store.segments.get(accountId, req.params.id);
      const limit = req.query.limit ?? 50;
      const items = await store.segments.sample(accountId, segment.filter, {
        limit,
        afterContactId: req.query.after,
      });
      return { items, next: items.length === limit ? items.at(-1)!.id : null };
    },
  );

  app.patch(
    '/api/v1/segments/:id',
    {
      ...admins,
      validatorCompiler: bodyCheckedInHandler,
      schema: {
        tags,
        security,
        summary: 'Rename a segment or change its filter',
        params: IdParams,
        body: SegmentPatchBody,
        response: replies(200, SegmentView),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const patch = req.body as unknown;
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
        throw invalid([{ path: '', message: 'must be an object' }]);
      const current = await store.segments.get(accountId, req.params.id);
      const input = validOrThrow({ name: current.name, filter: current.filter, ...patch });
      return withCount(accountId, await store.segments.replace(accountId, current.id, input));
    },
  );

  app.delete(
    '/api/v1/segments/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delete a segment',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      await store.segments.delete(authOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
