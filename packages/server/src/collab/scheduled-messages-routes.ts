import { ListOf } from '@beckon/protocol/api';
import {
  ScheduledMessage,
  ScheduledMessageCreate,
  ScheduledMessageParams,
  ScheduledMessageUpdate,
} from '@beckon/protocol/scheduled-messages';
import { requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { isSupervisor, type StaffCaller } from '../conversations/agent-chat-service.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { staffCaller } from '../conversations/conversations-routes.ts';
import { cleanText } from '../conversations/visitor-chat-service.ts';
import { AppError, badRequest } from '../errors.ts';
import { IdParams, NoContent, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

const tags = ['conversations'];
const YEAR_MS = 366 * 86_400_000;

/** A time to send at: in the future and within a year, else a 400 that says which. */
export function sendAtOf(iso: string, now: number): number {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw badRequest('sendAt is not a date and time', 'invalid_send_at');
  if (at <= now)
    throw badRequest(
      `sendAt ${new Date(at).toISOString()} is in the past; choose a time after ${new Date(now).toISOString()}`,
      'send_at_in_past',
    );
  if (at > now + YEAR_MS) throw badRequest('sendAt is more than a year away', 'invalid_send_at');
  return at;
}

const notYours = () =>
  new AppError(403, 'not_author', 'only its author or a supervisor may change a scheduled message');

/**
 * Tells the consoles that show a conversation, on any node, to read its scheduled messages again.
 * Every change of one says so: by hand here, a customer's reply that cancels it (`ReplyCancels`) and
 * its sending (`ScheduledSender`). Those two change it after the line that caused it reached them.
 */
export const scheduledChanged =
  (chat: ChatModule) =>
  (conversationId: string): void =>
    chat.events.toConversation(conversationId, { t: 'scheduled.changed' });

/** Send later: schedule, list, edit and cancel an agent's replies and note reminders on one conversation. */
export function scheduledMessagesRoutes(app: App, ctx: AppContext, chat: ChatModule): void {
  const { store } = ctx;
  const staff = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };
  const base = '/api/v1/conversations/:id/scheduled-messages';
  const changed = scheduledChanged(chat);
  const mayChange = async (c: StaffCaller, conversationId: string, id: string) => {
    await chat.agents.visible(c, conversationId);
    const row = await store.scheduledMessages.row(c.accountId, conversationId, id);
    if (!isSupervisor(c) && row.author_id !== c.userId) throw notYours();
  };

  app.post(
    base,
    {
      ...staff,
      schema: {
        tags,
        security,
        summary:
          'Schedule a reply (or a note reminder) for later: sent through the outbox at sendAt, signed in or not (400 send_at_in_past for a past time)',
        params: IdParams,
        body: ScheduledMessageCreate,
        response: replies(201, ScheduledMessage),
      },
    },
    async (req, reply) => {
      const c = staffCaller(req);
      const now = Date.now();
      const sendAt = sendAtOf(req.body.sendAt, now);
      const user = await chat.agents.profile(c);
      const conv = await chat.agents.visible(c, req.params.id);
      const note = req.body.note === true;
      if (conv.state === 'resolved' && !note)
        throw new AppError(409, 'conversation_closed', 'the conversation is closed; reopen it first');
      if (!note && !isSupervisor(c) && conv.assignedAgentId !== c.userId)
        throw new AppError(403, 'not_assigned', 'this conversation is not assigned to you');
      const text = cleanText(req.body.text);
      if (text.length === 0) throw badRequest('the text is empty', 'empty_text');
      const created = await store.scheduledMessages.create(
        c.accountId,
        {
          conversationId: conv.id,
          authorId: user.id,
          authorName: user.name,
          text,
          note,
          sendAt,
          cancelOnReply: req.body.cancelOnReply === true,
        },
        now,
      );
      changed(conv.id);
      return reply.code(201).send(created);
    },
  );

  app.get(
    base,
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'The conversation’s scheduled messages by time: waiting ones, and those settled this week',
        params: IdParams,
        response: replies(200, ListOf(ScheduledMessage)),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      await chat.agents.visible(c, req.params.id);
      return { items: await store.scheduledMessages.list(c.accountId, req.params.id) };
    },
  );

  app.patch(
    `${base}/:messageId`,
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Edit a scheduled message’s text, time or cancel-on-reply while it waits (409 once sent)',
        params: ScheduledMessageParams,
        body: ScheduledMessageUpdate,
        response: replies(200, ScheduledMessage),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      const now = Date.now();
      const { id, messageId } = req.params;
      const sendAt = req.body.sendAt === undefined ? undefined : sendAtOf(req.body.sendAt, now);
      const text = req.body.text === undefined ? undefined : cleanText(req.body.text);
      if (text !== undefined && text.length === 0) throw badRequest('the text is empty', 'empty_text');
      await mayChange(c, id, messageId);
      const updated = await store.scheduledMessages.update(
        c.accountId,
        id,
        messageId,
        { text, sendAt, cancelOnReply: req.body.cancelOnReply },
        now,
      );
      changed(id);
      return updated;
    },
  );

  app.delete(
    `${base}/:messageId`,
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Cancel a scheduled message while it waits (409 once sent)',
        params: ScheduledMessageParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const c = staffCaller(req);
      const { id, messageId } = req.params;
      await mayChange(c, id, messageId);
      await store.scheduledMessages.cancel(c.accountId, id, messageId, null);
      changed(id);
      return reply.code(204).send(null);
    },
  );
}
