import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorBody } from '@beckon/protocol/api';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { ADMINS, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import type { ChatModule } from '../../conversations/chat-module.ts';
import { visitorHooks } from '../../conversations/visitor-hooks.ts';
import { CHAT_TOKEN_HEADER } from '../../conversations/visitor-token.ts';
import { AppError, badRequest, notFound, unauthorized } from '../../errors.ts';
import { normaliseEmail } from '../../store/contacts-repo.ts';
import { errors, NoContent, replies, security } from '../../web/responses.ts';
import { access } from '../../web/route-access.ts';
import type { App } from '../../web/types.ts';
import { ChannelSendError } from '../channel.ts';
import type { EmailModule } from './email-feature.ts';
import { rawMailKey } from './email-intake.ts';
import { MalformedMail } from './mail-message.ts';

const tags = ['e-mail'];
const secretKey = (accountId: string) => `email.inbound_secret.${accountId}`;
const ADDRESS =
  /^(\*|[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64})@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

const EmailAddress = Type.Object({ address: Type.String(), siteId: Type.String(), createdAt: Type.Number() });
const EmailSettings = Type.Object({
  domain: Type.String({ description: 'The domain of reply addresses and Message-IDs' }),
  smtpPort: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The SMTP listener port; null when off',
  }),
  outgoing: Type.Boolean({ description: 'Whether an outgoing mail server is set' }),
  addresses: Type.Array(EmailAddress),
  inbound: Type.Object({
    url: Type.String({ description: 'Where a provider forwards mail (HTTP Basic: user and secret)' }),
    user: Type.String(),
    secret: Type.String(),
  }),
});

/** The account of an inbound webhook call: HTTP Basic with the account id and its inbound secret. */
async function webhookAccount(ctx: AppContext, req: FastifyRequest): Promise<string> {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const [user, pass] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(/:(.*)/s) : [];
  const secret = user ? await ctx.store.settings.get(secretKey(user)) : undefined;
  const ok =
    secret !== undefined &&
    pass !== undefined &&
    pass.length === secret.length &&
    timingSafeEqual(Buffer.from(pass), Buffer.from(secret));
  if (!ok) throw unauthorized('the inbound e-mail credentials are wrong');
  return user!;
}

/**
 * The e-mail channel's routes: its settings and each site's inbound addresses (admins), the
 * webhook a mail provider forwards mail to, a mail's raw original (staff), and a chat's transcript
 * by e-mail (the visitor, with the chat token).
 */
export function emailRoutes(app: App, ctx: AppContext, chat: ChatModule, email: EmailModule): void {
  const { store } = ctx;
  const config = ctx.config.email;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const staff = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };

  app.get(
    '/api/v1/channels/email',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'E-mail settings and inbound addresses',
        response: replies(200, EmailSettings),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const secret = await store.settings.getOrInit(
        secretKey(accountId),
        randomBytes(24).toString('base64url'),
      );
      return {
        domain: config.domain,
        smtpPort: email.smtpPort,
        outgoing: config.relayUrl !== null,
        addresses: await store.email.listAddresses(accountId),
        inbound: { url: `${ctx.config.publicUrl}/api/v1/channels/email/inbound`, user: accountId, secret },
      };
    },
  );

  app.get(
    '/api/v1/channels/email/outgoing',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Whether replies can leave by e-mail (an outgoing mail server is set)',
        description: 'For the composer: without one, an e-mail conversation takes internal notes only.',
        response: replies(200, Type.Object({ outgoing: Type.Boolean() })),
      },
    },
    async () => ({ outgoing: config.relayUrl !== null }),
  );

  app.post(
    '/api/v1/channels/email/addresses',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Give a site an inbound address (`*@domain` receives every address of the domain)',
        body: Type.Object(
          {
            siteId: Type.String({ minLength: 1, maxLength: 64 }),
            address: Type.String({ minLength: 3, maxLength: 254 }),
          },
          { additionalProperties: false },
        ),
        response: replies(201, EmailAddress),
      },
    },
    async (req, reply) => {
      const { accountId } = authOf(req);
      const address = req.body.address.trim().toLowerCase();
      if (!ADDRESS.test(address) || address.startsWith('reply+'))
        throw new AppError(
          400,
          'invalid_address',
          '/address: not an e-mail address this server can receive at',
        );
      await store.sites.get(accountId, req.body.siteId);
      return reply.code(201).send(await store.email.addAddress(accountId, req.body.siteId, address));
    },
  );

  app.delete(
    '/api/v1/channels/email/addresses/:address',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Stop receiving at an address',
        params: Type.Object({ address: Type.String({ minLength: 1, maxLength: 254 }) }),
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const removed = await store.email.removeAddress(
        authOf(req).accountId,
        req.params.address.toLowerCase(),
      );
      if (!removed) throw notFound('address');
      return reply.code(204).send(null);
    },
  );

  // A provider forwards the raw mail as `message/rfc822`, or as JSON `{ raw, recipients }`.
  app.addContentTypeParser(
    'message/rfc822',
    { parseAs: 'buffer', bodyLimit: config.maxBytes },
    (_req, body, done) => done(null, body),
  );
  app.post(
    '/api/v1/channels/email/inbound',
    {
      bodyLimit: config.maxBytes,
      schema: {
        ...access('public'),
        tags,
        summary:
          'Inbound mail from a provider (HTTP Basic: account id and inbound secret); stored before 200',
        querystring: Type.Object({ to: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: {
          200: Type.Object({
            stored: Type.Boolean(),
            duplicate: Type.Boolean(),
            dropped: Type.Union([Type.String(), Type.Null()]),
          }),
          413: ErrorBody,
          422: ErrorBody,
          ...errors,
        },
      },
    },
    async (req) => {
      const accountId = await webhookAccount(ctx, req);
      const body = req.body as unknown;
      let raw: Buffer;
      let to = req.query.to
        ?.split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      if (Buffer.isBuffer(body)) raw = body;
      else if (body && typeof body === 'object' && typeof (body as { raw?: unknown }).raw === 'string') {
        const b = body as { raw: string; recipients?: unknown };
        raw = Buffer.from(b.raw, 'utf8');
        if (Array.isArray(b.recipients)) to = b.recipients.filter((r): r is string => typeof r === 'string');
      } else {
        throw new AppError(400, 'invalid_request', 'send the mail as message/rfc822, or JSON { "raw": "…" }');
      }
      try {
        const outcome = await email.intake.acceptFor(accountId, raw, to);
        return outcome.kind === 'dropped'
          ? { stored: false, duplicate: false, dropped: outcome.reason }
          : { stored: true, duplicate: outcome.duplicate, dropped: null };
      } catch (err) {
        if (err instanceof MalformedMail) throw new AppError(422, 'malformed_mail', err.message);
        throw err;
      }
    },
  );

  app.get(
    '/api/v1/conversations/:id/messages/:seq/raw',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'The original mail (message/rfc822) a customer line came from',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: 64 }),
          seq: Type.String({ maxLength: 12, description: 'The line’s sequence number' }),
        }),
        response: { 200: Type.String({ description: 'message/rfc822' }), ...errors },
      },
    },
    async (req, reply) => {
      const a = authOf(req);
      const caller = { accountId: a.accountId, role: a.role, ...(a.userId ? { userId: a.userId } : {}) };
      const conversation = await chat.agents.visible(caller, req.params.id);
      // The conversation is checked first: an unknown one is a 404 whatever the line.
      const seq = Number(req.params.seq);
      const messageId = Number.isInteger(seq)
        ? await store.email.receivedAt(a.accountId, conversation.id, seq)
        : undefined;
      const body = messageId ? await email.raw.open(rawMailKey(a.accountId, messageId)) : undefined;
      if (!body) throw notFound('original mail');
      // A stream of the stored file; the schema documents it as text.
      return reply.type('message/rfc822').send(body as never);
    },
  );

  const { byToken, chatOf: visitorChatOf } = visitorHooks(store, chat.visitors.seen);
  app.post(
    '/api/v1/chat/transcript-email',
    {
      ...byToken,
      schema: {
        ...access('visitor'),
        tags: ['visitor chat'],
        summary:
          'E-mail the transcript of this chat to the conversation’s e-mail address (or, when it has none, to the one given)',
        headers: Type.Object({ [CHAT_TOKEN_HEADER]: Type.String() }),
        response: {
          202: Type.Object({ sent: Type.Boolean(), to: Type.String() }),
          502: ErrorBody,
          503: ErrorBody,
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { accountId } = visitorChatOf(req);
      let { conversation } = visitorChatOf(req);
      // The body is optional (`{ "email": … }`), so it is read here rather than by a schema.
      const body = req.body as { email?: unknown } | null | undefined;
      const given = typeof body?.email === 'string' ? body.email : undefined;
      const known = conversation.contactId
        ? (await ctx.store.contacts.find(accountId, conversation.contactId))?.email
        : conversation.visitorEmail;
      // A chat with no address yet takes the one the visitor types; one that has an address keeps it.
      if (!known && given !== undefined) {
        if (!normaliseEmail(given)) throw badRequest('that is not an e-mail address', 'invalid_email');
        const contact = await ctx.store.contacts.resolve(accountId, { email: given });
        if (!conversation.contactId)
          await ctx.store.conversations.setContact(accountId, conversation.id, contact.id);
        conversation = await ctx.store.conversations.get(accountId, conversation.id);
      }
      let to: string;
      try {
        to = await email.transcripts.send(accountId, conversation);
      } catch (err) {
        if (err instanceof ChannelSendError)
          throw new AppError(502, 'email_failed', `the transcript could not be sent: ${err.reason}`);
        throw err;
      }
      return reply.code(202).send({ sent: true, to });
    },
  );
}
