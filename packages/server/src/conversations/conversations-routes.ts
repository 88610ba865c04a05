import { ErrorBody, type Role } from '@beckon/protocol/api';
import {
  AfterSeqQuery,
  AgentSendInput,
  CloseInput,
  Conversation,
  ConversationListQuery,
  ConversationPage,
  ConversationWithMessages,
  Message,
  QueueEntry,
  ReadInput,
  SendResult,
  StateInput,
  TIMELINE_ECHO_PREFIX,
  TransferInput,
} from '@beckon/protocol/chat-api';
import Type from 'typebox';
import { authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { AppError, badRequest } from '../errors.ts';
import { errors, IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { isSupervisor, type StaffCaller } from './agent-chat-service.ts';
import type { ChatModule } from './chat-module.ts';
import { allMessages, mergedParts } from './merged-thread.ts';
import { queueEntries } from './queue-feed.ts';
import { type TranslatedReply, translationOff } from './reply-translation.ts';
import { transcriptText } from './transcript.ts';
import { cleanText } from './visitor-chat-service.ts';

const STAFF: readonly Role[] = ['owner', 'admin', 'agent'];
const tags = ['conversations'];
const ms = (iso?: string) => (iso ? Date.parse(iso) : undefined);

/** The console user or API key behind a request, as the conversation services take it. */
export function staffCaller(req: Parameters<typeof authOf>[0]): StaffCaller {
  const a = authOf(req);
  return { accountId: a.accountId, role: a.role, ...(a.userId ? { userId: a.userId } : {}) };
}

/** Conversations for the console and the API: history search, one conversation, send, accept, transfer, close, transcript, queues. */
export function conversationsRoutes(app: App, ctx: AppContext, chat: ChatModule): void {
  const { store } = ctx;
  const staff = { onRequest: requireRole(store, STAFF) };
  const caller = staffCaller;

  app.get(
    '/api/v1/conversations',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Search conversation history (text, status, agent, skill, date, CSAT), newest first',
        querystring: ConversationListQuery,
        response: replies(200, ConversationPage),
      },
    },
    async (req) => {
      const c = caller(req);
      const scope = isSupervisor(c)
        ? undefined
        : { agentId: c.userId!, skillIds: (await chat.agents.profile(c)).skillIds };
      const q = req.query;
      return store.conversations.search(c.accountId, { ...q, from: ms(q.from), to: ms(q.to) }, scope);
    },
  );

  app.get(
    '/api/v1/conversations/:id',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'One conversation with its messages (after a sequence number)',
        params: IdParams,
        querystring: AfterSeqQuery,
        response: replies(200, ConversationWithMessages),
      },
    },
    async (req) => {
      const c = caller(req);
      const conversation = await chat.agents.readable(c, req.params.id);
      const messages = await store.messages.after(c.accountId, conversation.id, req.query.afterSeq ?? 0, {
        limit: req.query.limit,
      });
      await store.translations.decorate(c.accountId, conversation.id, messages);
      return { conversation, messages: await store.outbox.decorate(c.accountId, conversation.id, messages) };
    },
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Messages after a sequence number (resume after a reconnect)',
        params: IdParams,
        querystring: AfterSeqQuery,
        response: replies(200, Type.Object({ items: Type.Array(Message) })),
      },
    },
    async (req) => {
      const c = caller(req);
      await chat.agents.readable(c, req.params.id);
      const items = await store.messages.after(c.accountId, req.params.id, req.query.afterSeq ?? 0, {
        limit: req.query.limit,
      });
      await store.translations.decorate(c.accountId, req.params.id, items);
      return { items: await store.outbox.decorate(c.accountId, req.params.id, items) };
    },
  );

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary:
          'Send a message or an internal note (idempotent on echoId: a retry with the same echoId and afterSeq returns the original, 200)',
        params: IdParams,
        body: AgentSendInput,
        response: {
          201: SendResult,
          200: SendResult,
          ...errors,
          422: ErrorBody,
          502: ErrorBody,
          504: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const c = caller(req);
      if (req.body.echoId.startsWith(TIMELINE_ECHO_PREFIX))
        throw badRequest('echo ids starting "timeline:" are the server\'s');
      const user = await chat.agents.profile(c);
      const text = cleanText(req.body.text);
      // A note naming a colleague who cannot see the conversation is refused whole (400, named).
      const mentions = req.body.note
        ? await chat.mentions.check({ ...c, userId: user.id }, req.params.id, text)
        : [];
      // A reply to go out in the customer's language is translated first; a failure sends nothing.
      let translated: TranslatedReply | undefined;
      if (req.body.translateTo && !req.body.note && text) {
        const translator = chat.replyTranslation.translator;
        if (!translator) throw translationOff();
        translated = await translator.translate(
          c.accountId,
          user.id,
          req.params.id,
          text,
          req.body.translateTo,
        );
      }
      const r = await chat.writer.append({
        accountId: c.accountId,
        conversationId: req.params.id,
        sender: {
          kind: req.body.note ? 'note' : 'agent',
          agentId: user.id,
          name: user.name,
          supervisor: isSupervisor(c),
        },
        echoId: req.body.echoId,
        afterSeq: req.body.afterSeq,
        text: translated?.text ?? text,
        attachmentIds: req.body.attachmentIds,
        ...(mentions.length > 0 ? { mentions } : {}),
      });
      if (!r.ok) throw r.error;
      if (translated) await translated.keep(r.message);
      return reply.code(r.duplicate ? 200 : 201).send({ message: r.message, duplicate: r.duplicate });
    },
  );

  const action = (path: string, summary: string) => ({
    path: `/api/v1/conversations/:id/${path}`,
    schema: { tags, security, summary, params: IdParams },
  });

  const accept = action('accept', 'Take a conversation offered to you or waiting in one of your skills');
  app.post(
    accept.path,
    { ...staff, schema: { ...accept.schema, response: replies(200, Conversation) } },
    async (req) => chat.agents.accept(caller(req), req.params.id),
  );

  const decline = action('decline', 'Decline an offer; the conversation goes to the next agent');
  app.post(
    decline.path,
    { ...staff, schema: { ...decline.schema, response: replies(204, NoContent) } },
    async (req, reply) => {
      await chat.agents.decline(caller(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  const transfer = action(
    'transfer',
    'Transfer to an agent or a skill (supervisors: reassign any conversation)',
  );
  app.post(
    transfer.path,
    { ...staff, schema: { ...transfer.schema, body: TransferInput, response: replies(200, Conversation) } },
    async (req) => chat.agents.transfer(caller(req), req.params.id, req.body),
  );

  // Barge-in: owners and admins join a live chat beside its agent, and leave it.
  const supervisors = { onRequest: requireRole(store, ['owner', 'admin']) };
  const join = action('join', 'Join a live chat as a second agent (barge in); the visitor sees you join');
  app.post(
    join.path,
    { ...supervisors, schema: { ...join.schema, response: replies(200, Conversation) } },
    async (req) => chat.agents.join(caller(req), req.params.id),
  );
  const leave = action('leave', 'Leave a chat you joined; its agent carries on');
  app.post(
    leave.path,
    { ...supervisors, schema: { ...leave.schema, response: replies(200, Conversation) } },
    async (req) => chat.agents.leave(caller(req), req.params.id),
  );

  const read = action('read', 'Read receipt of the agent who holds the conversation (kept across reloads)');
  app.post(
    read.path,
    { ...staff, schema: { ...read.schema, body: ReadInput, response: replies(204, NoContent) } },
    async (req, reply) => {
      const c = caller(req);
      const conversation = await chat.agents.visible(c, req.params.id);
      if (conversation.assignedAgentId !== c.userId)
        throw new AppError(403, 'not_assigned', 'only the agent who holds the conversation reads for it');
      chat.reads.mark(c.accountId, conversation.id, 'agent', req.body.seq);
      return reply.code(204).send(null);
    },
  );

  const close = action('close', 'Close with a disposition and tags');
  app.post(
    close.path,
    { ...staff, schema: { ...close.schema, body: CloseInput, response: replies(200, Conversation) } },
    async (req) => chat.agents.close(caller(req), req.params.id, req.body),
  );

  const state = action('state', 'Mark pending (waiting on the customer), snooze until a time, or open again');
  app.post(
    state.path,
    { ...staff, schema: { ...state.schema, body: StateInput, response: replies(200, Conversation) } },
    async (req) => chat.agents.setState(caller(req), req.params.id, req.body),
  );

  app.get(
    '/api/v1/conversations/:id/transcript',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Download the transcript as plain text',
        params: IdParams,
        response: { 200: Type.String({ description: 'text/plain transcript' }), ...errors },
      },
    },
    async (req, reply) => {
      const c = caller(req);
      const conversation = await chat.agents.readable(c, req.params.id);
      const [messages, merged] = await Promise.all([
        allMessages(store, c.accountId, conversation.id),
        mergedParts(store, c.accountId, conversation.id),
      ]);
      const skill = conversation.skillId
        ? await store.skills.get(c.accountId, conversation.skillId).catch(() => undefined)
        : undefined;
      const agent = await chat.announcer.agentName(c.accountId, conversation.assignedAgentId);
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="conversation-${conversation.id}.txt"`)
        .send(
          transcriptText(conversation, messages, { skill: skill?.name, agent: agent ?? undefined }, merged),
        );
    },
  );

  app.get(
    '/api/v1/queues',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Waiting conversations in queue order (agents: the queues of their skills)',
        response: replies(200, Type.Object({ items: Type.Array(QueueEntry) })),
      },
    },
    async (req) => {
      const c = caller(req);
      const items = queueEntries(await store.conversations.waiting(c.accountId));
      if (isSupervisor(c)) return { items };
      const skills = (await chat.agents.profile(c)).skillIds;
      return { items: items.filter((i) => skills.includes(i.skillId)) };
    },
  );
}
