import { ListOf } from '@beckon/protocol/api';
import { CallView } from '@beckon/protocol/call-protocol';
import {
  CallDial,
  PhoneNumber,
  PhoneNumberCreate,
  PhoneNumberPatch,
  PhoneTrunk,
  PhoneTrunkCreate,
  PhoneTrunkPatch,
} from '@beckon/protocol/phone-api';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { checkConfiguredUrl } from '../egress/configured-url.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import { type NewNumber, type NumberRow, numberView, trunkView } from '../store/phone-repo.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

const DEFAULT_PORT = { udp: 5060, tcp: 5060, tls: 5061 } as const;

/** Trunks and numbers (admins), and calls an agent dials through the gateway. */
export function phoneRoutes(app: App, ctx: AppContext, chat: ChatModule): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const agents = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };
  const tags = ['phone'];

  /**
   * The trunk's host is a configured destination like any URL: a private address is refused
   * unless the egress allows private addresses (BECKON_EGRESS_ALLOW_PRIVATE).
   */
  const checkedHost = async (raw: string, port: number): Promise<string> => {
    const host = raw.replace(/^\[(.*)\]$/, '$1');
    await checkConfiguredUrl(
      ctx.egress,
      `https://${host.includes(':') ? `[${host}]` : host}:${port}/`,
      'host',
    );
    return host;
  };

  /** A number's skill, or every skill of its menu, is the account's; a menu's digits are distinct. */
  const checkTarget = async (accountId: string, n: NewNumber): Promise<void> => {
    const skills = new Set((await store.skills.list(accountId)).map((s) => s.id));
    const wanted = n.skillId ? [n.skillId] : (n.menu?.choices ?? []).map((c) => c.skillId);
    const unknown = wanted.find((id) => !skills.has(id));
    if (unknown)
      throw badRequest(`${n.skillId ? 'skillId' : 'menu.choices'}: no skill ${unknown}`, 'unknown_skill');
    const digits = (n.menu?.choices ?? []).map((c) => c.digit);
    if (new Set(digits).size !== digits.length)
      throw badRequest('menu.choices: a digit is used twice', 'bad_menu');
  };

  app.get(
    '/api/v1/phone/trunks',
    {
      ...admins,
      schema: { tags, security, summary: 'List SIP trunks', response: replies(200, ListOf(PhoneTrunk)) },
    },
    async (req) => ({ items: (await store.phone.trunks(authOf(req).accountId)).map(trunkView) }),
  );

  app.post(
    '/api/v1/phone/trunks',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Add a SIP trunk: the gateway registers to it',
        body: PhoneTrunkCreate,
        response: replies(201, PhoneTrunk),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const body = req.body;
      const transport = body.transport ?? 'udp';
      const port = body.port ?? DEFAULT_PORT[transport];
      const host = await checkedHost(body.host, port);
      const row = await store.phone.createTrunk(accountId, {
        name: body.name,
        host,
        port,
        transport,
        username: body.username,
        password: body.password,
      });
      const credentials = await store.phone.trunkCredentials(accountId, row.id);
      if (credentials)
        void chat.phone.register(credentials).catch((err) => req.log.warn({ err }, 'trunk not registered'));
      return reply.code(201).send(trunkView(row));
    },
  );

  app.patch(
    '/api/v1/phone/trunks/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Change a SIP trunk: the gateway registers to it again',
        params: IdParams,
        body: PhoneTrunkPatch,
        response: replies(200, PhoneTrunk),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const { id } = req.params;
      const old = await store.phone.trunk(accountId, id);
      if (!old) throw notFound('trunk');
      const body = req.body;
      const transport = body.transport ?? (old.transport as keyof typeof DEFAULT_PORT);
      // A new transport without a port takes that transport's usual port.
      const port = body.port ?? (body.transport ? DEFAULT_PORT[transport] : Number(old.port));
      const host = await checkedHost(body.host ?? old.host, port);
      const row = await store.phone.updateTrunk(accountId, id, {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.username === undefined ? {} : { username: body.username }),
        ...(body.password === undefined ? {} : { password: body.password }),
        host,
        port,
        transport,
      });
      if (!row) throw notFound('trunk');
      const credentials = await store.phone.trunkCredentials(accountId, id);
      if (credentials)
        void chat.phone.register(credentials).catch((err) => req.log.warn({ err }, 'trunk not registered'));
      return trunkView(row);
    },
  );

  app.delete(
    '/api/v1/phone/trunks/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delete a SIP trunk and its numbers: its calls end and the gateway unregisters',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const { id } = req.params;
      if (!(await store.phone.trunk(accountId, id))) throw notFound('trunk');
      await chat.phone.unregister(id);
      await store.phone.deleteTrunk(accountId, id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/phone/numbers',
    {
      ...admins,
      schema: { tags, security, summary: 'List phone numbers', response: replies(200, ListOf(PhoneNumber)) },
    },
    async (req) => ({ items: (await store.phone.numbers(authOf(req).accountId)).map(numberView) }),
  );

  app.post(
    '/api/v1/phone/numbers',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Add a phone number: its calls go to a skill or a menu',
        body: PhoneNumberCreate,
        response: replies(201, PhoneNumber),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const body = req.body;
      if (Boolean(body.skillId) === Boolean(body.menu))
        throw badRequest('give either skillId or menu', 'bad_target');
      const number: NewNumber = {
        number: body.number,
        trunkId: body.trunkId,
        skillId: body.skillId ?? null,
        menu: body.menu ?? null,
        hours: body.hours ?? null,
        afterHours: body.afterHours ?? null,
        recordCalls: body.recordCalls ?? false,
        language: body.language ?? 'en',
      };
      await checkTarget(accountId, number);
      const row = await store.phone.createNumber(accountId, number);
      return reply.code(201).send(numberView(row));
    },
  );

  app.patch(
    '/api/v1/phone/numbers/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Change a phone number: its number, trunk, skill or menu, hours, recording, language',
        params: IdParams,
        body: PhoneNumberPatch,
        response: replies(200, PhoneNumber),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const old = await store.phone.number(accountId, req.params.id);
      if (!old) throw notFound('phone number');
      const body = req.body;
      if (body.skillId && body.menu) throw badRequest('give either skillId or menu', 'bad_target');
      const kept = numberOf(old);
      const number: NewNumber = {
        number: body.number ?? kept.number,
        trunkId: body.trunkId ?? kept.trunkId,
        // A new target replaces the old one, whichever kind it was.
        skillId: body.menu ? null : (body.skillId ?? kept.skillId),
        menu: body.skillId ? null : (body.menu ?? kept.menu),
        hours: body.hours === undefined ? kept.hours : body.hours,
        afterHours: body.afterHours === undefined ? kept.afterHours : body.afterHours,
        recordCalls: body.recordCalls ?? kept.recordCalls,
        language: body.language ?? kept.language,
      };
      await checkTarget(accountId, number);
      const row = await store.phone.updateNumber(accountId, old.id, number);
      if (!row) throw notFound('phone number');
      return numberView(row);
    },
  );

  app.delete(
    '/api/v1/phone/numbers/:id',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Delete a phone number: calls to it are refused (404) from then on',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      if (!(await store.phone.deleteNumber(authOf(req).accountId, req.params.id)))
        throw notFound('phone number');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/calls/dial',
    {
      ...agents,
      schema: {
        tags,
        security,
        summary: "Dial a contact's phone, or a number, from the console",
        body: CallDial,
        response: replies(201, CallView),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      if (!auth.userId) throw badRequest('a call is dialled by a signed-in agent', 'user_required');
      const body = req.body;
      if ([body.contactId, body.number, body.callbackId].filter(Boolean).length !== 1)
        throw badRequest('give one of contactId, number or callbackId', 'bad_target');
      const call = await chat.phone.dial(
        { accountId: auth.accountId, role: auth.role, userId: auth.userId },
        body,
      );
      if (!call) throw new AppError(503, 'no_gateway', 'this node has no phone gateway (BECKON_JANUS_URL)');
      return reply.code(201).send(call);
    },
  );
}

/** A stored number as the fields a change starts from. */
function numberOf(row: NumberRow): NewNumber {
  const v = numberView(row);
  return {
    number: v.number,
    trunkId: v.trunkId,
    skillId: v.skillId,
    menu: v.menu,
    hours: v.hours,
    afterHours: v.afterHours,
    recordCalls: v.recordCalls,
    language: v.language,
  };
}
