import { ListOf, User, UserCreate, UserUpdate } from '@beckon/protocol/api';
import {
  ADMINS,
  ALL_ROLES,
  type AuthContext,
  authOf,
  requireRole,
  SESSION_COOKIE,
} from '../../auth/auth-context.ts';
import { currentPasswordCheck } from '../../auth/current-password.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { SessionEnds } from '../../auth/session-ends.ts';
import type { AppContext } from '../../context.ts';
import { chatOf } from '../../conversations/chat-module.ts';
import { badRequest, forbidden } from '../../errors.ts';
import { IdParams, NoContent, replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';

const SELF_EDITABLE = new Set(['name', 'status', 'password', 'currentPassword']);
const isAdmin = (a: AuthContext) => a.role === 'owner' || a.role === 'admin';

/** Team members: owners and admins manage everyone; anyone may change their own name, status and password. */
export function usersRoutes(app: App, ctx: AppContext): void {
  const { store, loginLimiter } = ctx;
  const ends = new SessionEnds(ctx);

  const checkCurrentPassword = currentPasswordCheck(store, loginLimiter);
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['users'];

  app.get(
    '/api/v1/users',
    {
      ...readers,
      schema: { tags, security, summary: 'List users and agents', response: replies(200, ListOf(User)) },
    },
    async (req) => ({
      items: await store.users.list(authOf(req).accountId),
    }),
  );

  app.get(
    '/api/v1/users/:id',
    {
      ...readers,
      schema: { tags, security, summary: 'One user', params: IdParams, response: replies(200, User) },
    },
    async (req) => store.users.get(authOf(req).accountId, req.params.id),
  );

  app.post(
    '/api/v1/users',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Create a user with a password',
        body: UserCreate,
        response: replies(201, User),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      if (req.body.role === 'owner' && auth.role !== 'owner')
        throw forbidden('only an owner can create another owner');
      await store.skills.assertOwned(auth.accountId, req.body.skillIds ?? []);
      const user = await store.users.create(auth.accountId, {
        email: req.body.email,
        name: req.body.name,
        role: req.body.role,
        passwordHash: await hashPassword(req.body.password),
        capacity: req.body.capacity,
        skillIds: req.body.skillIds,
      });
      return reply.code(201).send(user);
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'Edit a user (self: name, status, password)',
        description:
          'Changing one’s own password needs `currentPassword` (400 `current_password_required`, 403 ' +
          '`wrong_current_password`) and ends the user’s other sessions; an owner or admin resetting ' +
          'another user needs none and ends all of theirs. A new role ends the user’s sessions too ' +
          '(one’s own: all but this one), so each console starts again with what the role may do.',
        params: IdParams,
        body: UserUpdate,
        response: replies(200, User),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const target = await store.users.get(auth.accountId, req.params.id);
      const self = auth.userId === target.id;
      if (!isAdmin(auth)) {
        if (!self || Object.keys(req.body).some((k) => !SELF_EDITABLE.has(k))) throw forbidden();
      }
      const touchesOwner = target.role === 'owner' || req.body.role === 'owner';
      if (req.body.role !== undefined && req.body.role !== target.role) {
        if (touchesOwner && auth.role !== 'owner')
          throw forbidden('only an owner can grant or remove the owner role');
        if (target.role === 'owner' && (await store.users.countByRole(auth.accountId, 'owner')) <= 1) {
          throw badRequest('the account needs at least one owner', 'last_owner');
        }
      }
      if (req.body.password !== undefined && target.role === 'owner' && !self && auth.role !== 'owner') {
        throw forbidden("only an owner can reset an owner's password");
      }
      if (req.body.password !== undefined && self)
        await checkCurrentPassword(req, reply, target.email, req.body.currentPassword);
      if (req.body.skillIds) await store.skills.assertOwned(auth.accountId, req.body.skillIds);
      const { password, currentPassword: _current, status, ...rest } = req.body;
      let user = await store.users.update(auth.accountId, target.id, {
        ...rest,
        ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}),
      });
      // A new password or role ends the user's sessions, and their console sockets on every node;
      // one's own change keeps the session making it.
      const roleChanged = rest.role !== undefined && rest.role !== target.role;
      if (password !== undefined || roleChanged)
        await ends.ofUser(target.id, self ? req.cookies[SESSION_COOKIE] : undefined);
      if (status !== undefined) {
        // The same path as the console socket's status switch: offers revoked, consoles told, queue rerouted.
        const chat = chatOf(ctx);
        if (chat) await chat.agents.setStatus(auth.accountId, target.id, status);
        else await store.users.update(auth.accountId, target.id, { status });
        user = await store.users.get(auth.accountId, target.id);
      } else if (rest.capacity !== undefined || rest.skillIds !== undefined) {
        chatOf(ctx)?.router.schedule(auth.accountId); // more room or new skills: offer waiting chats now
      }
      return user;
    },
  );

  app.delete(
    '/api/v1/users/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Remove a user',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const target = await store.users.get(auth.accountId, req.params.id);
      if (target.id === auth.userId) throw badRequest('you cannot remove yourself', 'self_delete');
      if (target.role === 'owner' && auth.role !== 'owner')
        throw forbidden('only an owner can remove an owner');
      // Before the user goes (their sessions go with them): so their open consoles close too.
      await ends.ofUser(target.id);
      await store.users.delete(auth.accountId, target.id);
      return reply.code(204).send(null);
    },
  );
}
