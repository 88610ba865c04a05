import { mergeLineEcho, unmergeLineEcho } from '@beckon/protocol/chat-lines';
import {
  ConversationMerge,
  MergedParts,
  MergeInput,
  UnmergeInput,
} from '@beckon/protocol/conversation-merges';
import { requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import type { ChatModule } from '../conversations/chat-module.ts';
import { staffCaller } from '../conversations/conversations-routes.ts';
import { channelName, mergedParts } from '../conversations/merged-thread.ts';
import { mergeConversations, unmergeConversation } from '../store/conversation-merge.ts';
import { IdParams, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

const tags = ['conversations'];

/** Merge two conversations of one contact into one thread, undo it within 24 hours, and read the thread. */
export function mergeRoutes(app: App, ctx: AppContext, chat: ChatModule): void {
  const { store } = ctx;
  const staff = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };

  /** A line in the kept conversation's thread for the team (a note: the customer never sees it). */
  const noteLine = async (
    accountId: string,
    conversationId: string,
    echoId: string,
    text: string,
    by?: string,
  ) => {
    const name = by ? ((await chat.announcer.agentName(accountId, by)) ?? 'Beckon') : 'Beckon';
    const r = await chat.writer.append({
      accountId,
      conversationId,
      sender: { kind: 'note', agentId: by ?? 'system', name, supervisor: true },
      echoId,
      text,
    });
    // A closed conversation takes no note: the thread shows the merge from its record anyway.
    if (!r.ok && r.error.status >= 500) throw r.error;
  };

  const announce = async (accountId: string, ids: string[]) => {
    for (const id of ids)
      await chat.announcer.updated(accountId, await store.conversations.get(accountId, id), { queue: true });
    chat.router.schedule(accountId);
  };

  app.post(
    '/api/v1/conversations/:id/merge',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary:
          'Merge another conversation of the same contact (any channel) into this one: one thread in time order; the other is closed (409 different_contacts)',
        params: IdParams,
        body: MergeInput,
        response: replies(200, ConversationMerge),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      const kept = await chat.agents.visible(c, req.params.id);
      const other = await chat.agents.visible(c, req.body.otherConversationId);
      const merge = await mergeConversations(
        store.db,
        c.accountId,
        kept.id,
        other.id,
        c.userId ?? null,
        Date.now(),
      );
      await noteLine(
        c.accountId,
        kept.id,
        mergeLineEcho(merge.id, other.channel, other.id),
        `Merged with the ${channelName(other.channel)} conversation ${other.id}: its messages are shown in this thread.`,
        c.userId,
      );
      await announce(c.accountId, [kept.id, other.id]);
      return merge;
    },
  );

  app.post(
    '/api/v1/conversations/:id/unmerge',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary:
          'Undo a merge within 24 hours: the merged conversation stands alone again as it was (409 undo_expired)',
        params: IdParams,
        body: UnmergeInput,
        response: replies(200, ConversationMerge),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      await chat.agents.visible(c, req.params.id);
      const merge = await unmergeConversation(
        store.db,
        c.accountId,
        req.params.id,
        req.body?.otherConversationId,
        Date.now(),
      );
      await noteLine(
        c.accountId,
        merge.keptId,
        unmergeLineEcho(merge.id, merge.mergedId),
        `Merge undone: conversation ${merge.mergedId} stands alone again.`,
        c.userId,
      );
      await announce(c.accountId, [merge.keptId, merge.mergedId]);
      return merge;
    },
  );

  app.get(
    '/api/v1/conversations/:id/merged',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary:
          'The conversations merged into this one, with their messages (the thread shows them in time order)',
        params: IdParams,
        response: replies(200, MergedParts),
      },
    },
    async (req) => {
      const c = staffCaller(req);
      const kept = await chat.agents.visible(c, req.params.id);
      const items = await mergedParts(store, c.accountId, kept.id);
      return { items };
    },
  );
}
