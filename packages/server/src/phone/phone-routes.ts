import { ListOf } from '@beckon/protocol/api';
import { CallView } from '@beckon/protocol/call-protocol';
import {
  CallDial,
  PhoneNumber,
  PhoneNumberCreate,
  PhoneTrunk,
  PhoneTrunkCreate,
} from '@beckon/protocol/phone-api';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { checkConfiguredUrl } from '../egress/configured-url.ts';
import { AppError, badRequest } from '../errors.ts';
import { numberView, trunkView } from '../store/phone-repo.ts';
import { replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

const DEFAULT_PORT = { udp: 5060, tcp: 5060, tls: 5061 } as const;

/** Trunks and numbers (admins), and calls an agent dials through the gateway. */
export function phoneRoutes(app: App, ctx: AppContext, chat: ChatModule): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const agents = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };
  const tags = ['phone'];

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
      // The trunk's host is a configured destination like any URL: a private address is refused
      // unless the egress allows private addresses (BECKON_EGRESS_ALLOW_PRIVATE).
      const host = body.host.replace(/^\[(.*)\]$/, '$1');
      await checkConfiguredUrl(
        ctx.egress,
        `https://${host.includes(':') ? `[${host}]` : host}:${port}/`,
        'host',
      );
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
      const skills = new Set((await store.skills.list(accountId)).map((s) => s.id));
      const wanted = body.skillId ? [body.skillId] : (body.menu?.choices ?? []).map((c) => c.skillId);
      const unknown = wanted.find((id) => !skills.has(id));
      if (unknown)
        throw badRequest(
          `${body.skillId ? 'skillId' : 'menu.choices'}: no skill ${unknown}`,
          'unknown_skill',
        );
      const digits = (body.menu?.choices ?? []).map((c) => c.digit);
      if (new Set(digits).size !== digits.length)
        throw badRequest('menu.choices: a digit is used twice', 'bad_menu');
      const row = await store.phone.createNumber(accountId, {
        number: body.number,
        trunkId: body.trunkId,
        skillId: body.skillId ?? null,
        menu: body.menu ?? null,
        hours: body.hours ?? null,
        afterHours: body.afterHours ?? null,
      });
      return reply.code(201).send(numberView(row));
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
      if (Boolean(body.contactId) === Boolean(body.number))
        throw badRequest('give either contactId or number', 'bad_target');
      const call = await chat.phone.dial(
        { accountId: auth.accountId, role: auth.role, userId: auth.userId },
        body,
      );
      if (!call) throw new AppError(503, 'no_gateway', 'this node has no phone gateway (BECKON_JANUS_URL)');
      return reply.code(201).send(call);
    },
  );
}
