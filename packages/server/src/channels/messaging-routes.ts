import { AfterSeqQuery, VisitorMessage } from '@beckon/protocol/chat-api';
import {
  MessagingSendInput,
  MessagingSendResult,
  MessagingSession,
  MessagingSessionInput,
  MessagingUnread,
  PushTokenInput,
} from '@beckon/protocol/messaging-api';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppContext } from '../context.ts';
import { KeyedLimiter } from '../conversations/chat-limits.ts';
import { chatOf } from '../conversations/chat-module.ts';
import { siteForKey } from '../conversations/visitor-access.ts';
import { cleanText } from '../conversations/visitor-chat-service.ts';
import { header, visitorCors } from '../conversations/visitor-hooks.ts';
import { CHAT_TOKEN_HEADER } from '../conversations/visitor-token.ts';
import { AppError } from '../errors.ts';
import type { AppTokenOwner } from '../store/app-push-repo.ts';
import { clientAddress } from '../web/client-address.ts';
import { NoContent, replies } from '../web/responses.ts';
import { access } from '../web/route-access.ts';
import type { App } from '../web/types.ts';
import { channelsOf } from './channels-feature.ts';
import { verifyUserHash } from './identity.ts';

const tags = ['messaging'];
const TokenHeaders = Type.Object({
  [CHAT_TOKEN_HEADER]: Type.String({ description: 'The app token from POST /api/v1/messaging/session' }),
});
const ALLOWED_HEADERS = `content-type, ${CHAT_TOKEN_HEADER}`;

/**
 * The Messaging API for apps. A site's app signs its user in with the user's id and the hash the
 * site's server computed (`session`); the app token it gets opens the user's conversation on the
 * `/v1/chat` socket and here: history, unread count, sending (the first line starts the
 * conversation, a line to a resolved one reopens it) and push-token registration.
 */
export function messagingRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const chat = chatOf(ctx)!;
  const sessions = new KeyedLimiter(ctx.config.chatLimits.appSessionsPerAddress);
  const owners = new WeakMap<FastifyRequest, AppTokenOwner>();
  const byAppToken = {
    onRequest: [
      visitorCors,
      async (req: FastifyRequest) => {
        const token = header(req, CHAT_TOKEN_HEADER);
        const owner = token ? await store.appPush.tokenOwner(token) : undefined;
        if (!owner) throw new AppError(401, 'invalid_chat_token', 'unknown or expired app token');
        owners.set(req, owner);
      },
    ],
  };
  const ownerOf = (req: FastifyRequest) => owners.get(req)!;
  const latest = async (o: AppTokenOwner) => {
    const id = await store.appPush.latestConversationId(o.accountId, o.siteId, o.contactId);
    return id ? store.conversations.find(o.accountId, id) : undefined;
  };

  app.options('/api/v1/messaging/*', { schema: { hide: true } }, async (req, reply) => {
    const origin = header(req, 'origin');
    if (origin) {
      reply
        .header('access-control-allow-origin', origin)
        .header('vary', 'origin')
        .header('access-control-allow-methods', 'GET, POST')
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  });

  app.post(
    '/api/v1/messaging/session',
    {
      onRequest: visitorCors,
      schema: {
        ...access('visitor'),
        tags,
        summary:
          'Sign in an app user the site vouches for (userHash = hex HMAC-SHA256 of userId with the site’s identity secret); a forged hash is 401 identity_unverified',
        body: MessagingSessionInput,
        response: replies(200, MessagingSession),
      },
    },
    async (req) => {
      // Each sign-in stores a token: one address signing in faster than people do is refused.
      if (!sessions.take(clientAddress(req.raw)))
        throw new AppError(
          429,
          'rate_limited',
          'too many sign-ins from this address; wait a moment and try again',
        );
      const site = await siteForKey(store, req.body.siteKey, header(req, 'origin'));
      const secret = await store.sites.identitySecret(site.accountId, site.id);
      if (!verifyUserHash(secret, req.body.userId, req.body.userHash))
        throw new AppError(401, 'identity_unverified', 'userHash does not match userId for this site');
      const contact = await store.contacts.resolve(site.accountId, {
        externalId: req.body.userId,
        verified: true,
        name: req.body.name ?? null,
        email: req.body.email ?? null,
      });
      const token = await store.appPush.createToken(site.accountId, site.id, contact.id);
      const conversation = await latest({
        accountId: site.accountId,
        siteId: site.id,
        contactId: contact.id,
      });
      return {
        token,
        contactId: contact.id,
        conversation: conversation ? await chat.visitors.view(site.accountId, conversation) : null,
      };
    },
  );

  app.get(
    '/api/v1/messaging/messages',
    {
      ...byAppToken,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'The user’s conversation in the app, after a sequence number',
        headers: TokenHeaders,
        querystring: AfterSeqQuery,
        response: replies(200, Type.Object({ items: Type.Array(VisitorMessage) })),
      },
    },
    async (req) => {
      const owner = ownerOf(req);
      const conversation = await latest(owner);
      if (!conversation) return { items: [] };
      const items = await store.messages.after(owner.accountId, conversation.id, req.query.afterSeq ?? 0, {
        limit: req.query.limit,
        visitorView: true,
      });
      return { items: items.map((m) => chat.attachments.visitorMessage(m)) };
    },
  );

  app.post(
    '/api/v1/messaging/messages',
    {
      ...byAppToken,
      schema: {
        ...access('visitor'),
        tags,
        summary:
          'Send a line: starts the conversation, or reopens a resolved one (idempotent on echoId: a retry returns the original, 200)',
        headers: TokenHeaders,
        body: MessagingSendInput,
        response: { 201: MessagingSendResult, ...replies(200, MessagingSendResult) },
      },
    },
    async (req, reply) => {
      const owner = ownerOf(req);
      const contact = await store.contacts.get(owner.accountId, owner.contactId);
      const current = await latest(owner);
      const r = await channelsOf(ctx).inbox.receive({
        channel: 'app',
        accountId: owner.accountId,
        siteId: owner.siteId,
        from: { externalId: contact.externalId, verified: contact.verified, name: contact.name },
        ...(current ? { threadConversationId: current.id } : {}),
        externalId: `${owner.contactId}:${req.body.echoId}`,
        text: cleanText(req.body.text),
      });
      await chat.visitors.seen(owner.accountId, r.conversation.id);
      return reply.code(r.duplicate ? 200 : 201).send({
        message: chat.attachments.visitorMessage(r.message),
        conversation: await chat.visitors.view(owner.accountId, r.conversation),
        duplicate: r.duplicate,
      });
    },
  );

  app.get(
    '/api/v1/messaging/unread',
    {
      ...byAppToken,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'How many lines from the other side the user has not read, on any device',
        headers: TokenHeaders,
        response: replies(200, MessagingUnread),
      },
    },
    async (req) => {
      const owner = ownerOf(req);
      const conversation = await latest(owner);
      if (!conversation) return { unread: 0, lastSeq: 0, readSeq: 0 };
      const after = await store.messages.after(
        owner.accountId,
        conversation.id,
        conversation.visitorReadSeq,
        {
          limit: 1000,
          visitorView: true,
        },
      );
      return {
        // A badge counts replies, not notices such as an agent joining.
        unread: after.filter((m) => m.senderKind === 'agent').length,
        lastSeq: conversation.lastSeq,
        readSeq: conversation.visitorReadSeq,
      };
    },
  );

  app.post(
    '/api/v1/messaging/push-tokens',
    {
      ...byAppToken,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'Register this device for push notifications of replies while the app is not connected',
        headers: TokenHeaders,
        body: PushTokenInput,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const o = ownerOf(req);
      await store.appPush.addDevice(o.accountId, o.siteId, o.contactId, req.body);
      return reply.code(204).send(null);
    },
  );
}
