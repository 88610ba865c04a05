import { ListOf } from '@beckon/protocol/api';
import {
  Macro,
  type MacroActions,
  MacroCreate,
  MacroRun,
  MacroRunParams,
  MacroUpdate,
} from '@beckon/protocol/macros';
import { requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { isSupervisor, type StaffCaller } from '../conversations/agent-chat-service.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { staffCaller } from '../conversations/conversations-routes.ts';
import { cleanText } from '../conversations/visitor-chat-service.ts';
import { badRequest, forbidden } from '../errors.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { MacroRunner, macroFault } from './macro-runner.ts';

const tags = ['macros'];
const runners = new WeakMap<AppContext, MacroRunner>();

/** The node's macro runner (tests set its `afterStep` seam to act between two actions). */
export const macroRunnerOf = (ctx: AppContext): MacroRunner | undefined => runners.get(ctx);
const sharedOnly = () => forbidden('only owners and admins may keep shared macros');

/** Macros: list, add, edit and remove them (shared ones by owners and admins), and run one on a conversation. */
export function macrosRoutes(app: App, ctx: AppContext, chat: ChatModule): void {
  const { store } = ctx;
  const staff = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };
  const runner = new MacroRunner(store, chat);
  runners.set(ctx, runner);

  /** The owner a macro gets: none when shared (owners and admins only), else the signed-in author. */
  const ownerFor = (c: StaffCaller, shared: boolean): string | null => {
    if (shared) {
      if (!isSupervisor(c)) throw sharedOnly();
      return null;
    }
    if (!c.userId) throw badRequest('an API key can only keep shared macros', 'personal_needs_user');
    return c.userId;
  };

  /** Actions that go together and whose skill or agent exists now. */
  const checked = async (accountId: string, actions: MacroActions): Promise<MacroActions> => {
    const fault = macroFault(actions);
    if (fault) throw fault;
    const target = actions.assign;
    if (target && 'skillId' in target)
      await store.skills.get(accountId, target.skillId).catch(() => {
        throw badRequest('unknown skill id', 'unknown_skill');
      });
    if (target && 'agentId' in target) {
      const agent = await store.users.get(accountId, target.agentId).catch(() => undefined);
      if (!agent || agent.role === 'analyst') throw badRequest('unknown agent', 'unknown_agent');
    }
    return {
      ...actions,
      ...(actions.reply !== undefined ? { reply: cleanText(actions.reply).trim() } : {}),
      ...(actions.tags ? { tags: [...new Set(actions.tags.map((tag) => cleanText(tag).trim()))] } : {}),
    };
  };

  /** A macro the caller may change: their own, or a shared one when they are an owner or admin. */
  const changeable = async (c: StaffCaller, id: string) => {
    const macro = await store.macros.get(c.accountId, id, c.userId ?? null);
    if (macro.shared && !isSupervisor(c)) throw sharedOnly();
    return macro;
  };

  app.get(
    '/api/v1/macros',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'The shared macros and your own, by name',
        response: replies(200, ListOf(Macro)),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      return { items: await store.macros.visible(c.accountId, c.userId ?? null) };
    },
  );

  app.post(
    '/api/v1/macros',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary:
          'Add a macro: a reply (with variables), tags, a status or snooze and an assignment, run together (shared: owners and admins)',
        body: MacroCreate,
        response: replies(201, Macro),
      },
    },
    async (req, reply) => {
      const c = staffCaller(req);
      const name = cleanText(req.body.name).trim();
      if (!name) throw badRequest('the name is empty', 'empty_name');
      const ownerId = ownerFor(c, req.body.shared === true);
      const actions = await checked(c.accountId, req.body.actions);
      return reply.code(201).send(await store.macros.create(c.accountId, { name, ownerId, actions }));
    },
  );

  app.patch(
    '/api/v1/macros/:id',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Edit a macro (your own; shared ones: owners and admins)',
        params: IdParams,
        body: MacroUpdate,
        response: replies(200, Macro),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      const macro = await changeable(c, req.params.id);
      const name = req.body.name === undefined ? undefined : cleanText(req.body.name).trim();
      if (name === '') throw badRequest('the name is empty', 'empty_name');
      const ownerId =
        req.body.shared === undefined || req.body.shared === macro.shared
          ? undefined
          : ownerFor(c, req.body.shared);
      const actions = req.body.actions && (await checked(c.accountId, req.body.actions));
      return store.macros.update(c.accountId, macro.id, { name, ownerId, actions });
    },
  );

  app.delete(
    '/api/v1/macros/:id',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Remove a macro (your own; shared ones: owners and admins)',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const c = staffCaller(req);
      const macro = await changeable(c, req.params.id);
      await store.macros.delete(c.accountId, macro.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/conversations/:id/macros/:macroId/run',
    {
      ...staff,
      schema: {
        tags: ['conversations', ...tags],
        security,
        summary:
          'Run a macro on a conversation you hold: every action is checked first, so a fault (a deleted skill, 409 macro_skill_deleted) changes nothing',
        params: MacroRunParams,
        response: replies(200, MacroRun),
      },
    },
    async (req) => runner.run(staffCaller(req), req.params.id, req.params.macroId),
  );
}
