import { CallbackView, PageCallbackInput } from '@beckon/protocol/call-protocol';
import { ChatTopics } from '@beckon/protocol/canned-responses';
import {
  AfterSeqQuery,
  ChatAvailability,
  ConversationStart,
  ConversationStarted,
  CsatInput,
  OfflineMessageInput,
  ReadInput,
  SendInput,
  VisitorConversation,
  VisitorMessage,
  VisitorSendResult,
} from '@beckon/protocol/chat-api';
import { FILE_NAME_HEADER } from '@beckon/protocol/chat-attachments';
import { IdentifyInput, IdentifyResult } from '@beckon/protocol/contacts-api';
import Type from 'typebox';
import { identifyChat } from '../contacts/chat-identify.ts';
import type { AppContext } from '../context.ts';
import { visitorAddress } from '../privacy/ip-anonymizer.ts';
import { clientAddress } from '../web/client-address.ts';
import { errors, replies } from '../web/responses.ts';
import { access } from '../web/route-access.ts';
import type { App } from '../web/types.ts';
import type { ChatModule } from './chat-module.ts';
import { conversationForToken } from './visitor-access.ts';
import { cleanText } from './visitor-chat-service.ts';
import { header, visitorHooks } from './visitor-hooks.ts';
import { CHAT_TOKEN_HEADER, hashVisitorToken, SITE_KEY_HEADER } from './visitor-token.ts';

const tags = ['visitor chat'];
const SiteKeyHeaders = Type.Object({
  [SITE_KEY_HEADER]: Type.String({ description: 'The site key (public)' }),
});
const TokenHeaders = Type.Object({
  [CHAT_TOKEN_HEADER]: Type.String({
    description: 'The conversation token returned when the conversation started',
  }),
});
const ALLOWED_HEADERS = `content-type, ${SITE_KEY_HEADER}, ${CHAT_TOKEN_HEADER}, ${FILE_NAME_HEADER}`;

/**
 * The visitor's side over REST, for clients that cannot hold a socket: start (site key), then
 * send, read after a sequence number, end and rate with the conversation token. Browsers on the
 * customer's site call these cross-origin (no cookies), so each answer allows the calling origin
 * once the site's allow-list admitted it.
 */
export function visitorChatRoutes(app: App, ctx: AppContext, chat: ChatModule): void {
  const { store } = ctx;
  const { bySite, byToken, siteOf, chatOf } = visitorHooks(store, chat.visitors.seen);

  // CORS preflight for the routes below (hidden from the API document).
  app.options('/api/v1/chat/*', { schema: { hide: true } }, async (req, reply) => {
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
    '/api/v1/chat/conversations',
    {
      ...bySite,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'Start a conversation (pre-chat form optional); returns the conversation token',
        headers: SiteKeyHeaders,
        body: ConversationStart,
        response: replies(201, ConversationStarted),
      },
    },
    async (req, reply) => {
      const site = siteOf(req);
      const started = await chat.visitors.start(site, req.body, visitorAddress(site, clientAddress(req.raw)));
      return reply.code(201).send({ conversation: started.view, token: started.token });
    },
  );

  app.get(
    '/api/v1/chat/availability',
    {
      ...bySite,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'Can a skill take a chat now? (chat button or offline form)',
        headers: SiteKeyHeaders,
        querystring: Type.Object(
          {
            skillId: Type.Optional(Type.String({ maxLength: 64 })),
            topic: Type.Optional(Type.String({ maxLength: 120 })),
          },
          { additionalProperties: false },
        ),
        response: replies(200, ChatAvailability),
      },
    },
    async (req) => chat.visitors.availability(siteOf(req).accountId, req.query),
  );

  app.get(
    '/api/v1/chat/topics',
    {
      ...bySite,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'Topics for the pre-chat form: the account’s skills and whether each can take a chat now',
        headers: SiteKeyHeaders,
        response: replies(200, ChatTopics),
      },
    },
    async (req) => ({ topics: await chat.visitors.topics(siteOf(req).accountId) }),
  );

  app.post(
    '/api/v1/chat/offline',
    {
      ...bySite,
      schema: {
        ...access('visitor'),
        tags,
        summary:
          'Leave an offline message (name, e-mail, message); an agent answers it in the conversation, which the token reopens',
        headers: Type.Object({
          [SITE_KEY_HEADER]: Type.String({ description: 'The site key (public)' }),
          [CHAT_TOKEN_HEADER]: Type.Optional(
            Type.String({
              maxLength: 128,
              description:
                'The token of a chat that turned offline: the message joins that conversation instead of starting another',
            }),
          ),
        }),
        body: OfflineMessageInput,
        response: replies(201, Type.Object({ conversationId: Type.String(), token: Type.String() })),
      },
    },
    async (req, reply) => {
      const site = siteOf(req);
      const { conversation, token } = await chat.visitors.offlineMessage(
        site,
        req.body,
        visitorAddress(site, clientAddress(req.raw)),
        header(req, CHAT_TOKEN_HEADER),
      );
      return reply.code(201).send({ conversationId: conversation.id, token });
    },
  );

  app.post(
    '/api/v1/chat/callback',
    {
      ...bySite,
      schema: {
        ...access('visitor'),
        tags,
        summary:
          'Ask for a callback from the page (phone, time window, topic): an agent of the skill calls the number then',
        headers: SiteKeyHeaders,
        body: PageCallbackInput,
        response: replies(201, CallbackView),
      },
    },
    async (req, reply) => {
      const site = siteOf(req);
      // The window is checked before anything is stored.
      chat.callbacks.checkWindow(req.body);
      const record = await chat.visitors.pageCallback(
        site,
        req.body,
        visitorAddress(site, clientAddress(req.raw)),
      );
      return reply.code(201).send(await chat.callbacks.request(site.accountId, record, req.body));
    },
  );

  app.post(
    '/api/v1/chat/identify',
    {
      ...bySite,
      schema: {
        ...access('visitor'),
        tags,
        summary:
          'A signed-in user of the site (userHash = HMAC-SHA256 of userId with the site’s identity secret): their contact, conversations, and a token of their latest open chat',
        headers: Type.Object({
          [SITE_KEY_HEADER]: Type.String({ description: 'The site key (public)' }),
          [CHAT_TOKEN_HEADER]: Type.Optional(
            Type.String({
              maxLength: 128,
              description: 'The token of the chat on this page: it joins the verified contact',
            }),
          ),
        }),
        body: IdentifyInput,
        response: replies(200, IdentifyResult),
      },
    },
    async (req) => {
      const token = header(req, CHAT_TOKEN_HEADER);
      const current =
        token === undefined
          ? null
          : { ...(await conversationForToken(store, token)), tokenHash: hashVisitorToken(token) };
      return identifyChat(store, siteOf(req), req.body, current);
    },
  );

  app.get(
    '/api/v1/chat/conversation',
    {
      ...byToken,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'The visitor’s conversation',
        headers: TokenHeaders,
        response: replies(200, VisitorConversation),
      },
    },
    async (req) => {
      const { accountId, conversation } = chatOf(req);
      return chat.visitors.view(accountId, conversation);
    },
  );

  app.get(
    '/api/v1/chat/messages',
    {
      ...byToken,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'Messages after a sequence number',
        headers: TokenHeaders,
        querystring: AfterSeqQuery,
        response: replies(200, Type.Object({ items: Type.Array(VisitorMessage) })),
      },
    },
    async (req) => {
      const { accountId, conversation } = chatOf(req);
      const items = await store.messages.after(accountId, conversation.id, req.query.afterSeq ?? 0, {
        limit: req.query.limit,
        visitorView: true,
      });
      return { items: items.map((m) => chat.attachments.visitorMessage(m)) };
    },
  );

  app.post(
    '/api/v1/chat/messages',
    {
      ...byToken,
      schema: {
        ...access('visitor'),
        tags,
        summary:
          'Send a message with text and/or uploaded attachments (idempotent on echoId: a retry with the same echoId and afterSeq returns the original, 200)',
        headers: TokenHeaders,
        body: SendInput,
        response: { 201: VisitorSendResult, 200: VisitorSendResult, ...errors },
      },
    },
    async (req, reply) => {
      const { accountId, conversation } = chatOf(req);
      const r = await chat.writer.append({
        accountId,
        conversationId: conversation.id,
        sender: { kind: 'visitor' },
        echoId: req.body.echoId,
        afterSeq: req.body.afterSeq,
        text: cleanText(req.body.text),
        attachmentIds: req.body.attachmentIds,
      });
      if (!r.ok) throw r.error;
      return reply
        .code(r.duplicate ? 200 : 201)
        .send({ message: chat.attachments.visitorMessage(r.message), duplicate: r.duplicate });
    },
  );

  app.post(
    '/api/v1/chat/read',
    {
      ...byToken,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'Read receipt: the visitor has read everything up to `seq` (kept across reloads)',
        headers: TokenHeaders,
        body: ReadInput,
        response: replies(204, Type.Null({ description: 'No content' })),
      },
    },
    async (req, reply) => {
      const { accountId, conversation } = chatOf(req);
      chat.reads.mark(accountId, conversation.id, 'visitor', req.body.seq);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/chat/end',
    {
      ...byToken,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'End the chat',
        headers: TokenHeaders,
        response: replies(200, VisitorConversation),
      },
    },
    async (req) => {
      const { accountId, conversation } = chatOf(req);
      return chat.visitors.view(accountId, await chat.visitors.end(accountId, conversation.id));
    },
  );

  app.post(
    '/api/v1/chat/csat',
    {
      ...byToken,
      schema: {
        ...access('visitor'),
        tags,
        summary: 'Rate the ended chat (1–5 and a comment)',
        headers: TokenHeaders,
        body: CsatInput,
        response: replies(200, VisitorConversation),
      },
    },
    async (req) => {
      const { accountId, conversation } = chatOf(req);
      return chat.visitors.view(accountId, await chat.visitors.csat(accountId, conversation.id, req.body));
    },
  );
}
