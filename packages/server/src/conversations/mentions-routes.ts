import {
  MentionList,
  MentionListQuery,
  MentionsRead,
  MentionsReadResult,
} from '@beckon/protocol/mentions-api';
import { authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import { replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';

/** The signed-in user behind a request: mentions are a person's, never an API key's. */
function personOf(req: Parameters<typeof authOf>[0]): { accountId: string; userId: string } {
  const a = authOf(req);
  if (!a.userId) throw badRequest('mentions belong to a signed-in user, not to an API key');
  return { accountId: a.accountId, userId: a.userId };
}

/** The notes that name the caller (`@Name`), unread first, and marking them read. */
export function mentionsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const staff = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };
  const tags = ['mentions'];

  app.get(
    '/api/v1/mentions',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'The internal notes that mention you: unread first, then newest first',
        querystring: MentionListQuery,
        response: replies(200, MentionList),
      },
    },
    async (req) => {
      const { accountId, userId } = personOf(req);
      const [items, unread] = await Promise.all([
        store.mentions.list(accountId, userId, {
          unreadOnly: req.query.unread === true,
          limit: req.query.limit ?? 50,
        }),
        store.mentions.unreadCount(accountId, userId),
      ]);
      return { items, unread };
    },
  );

  app.post(
    '/api/v1/mentions/read',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Mark mentions of you read (those named in `ids`, else all of them)',
        body: MentionsRead,
        response: replies(200, MentionsReadResult),
      },
    },
    async (req) => {
      const { accountId, userId } = personOf(req);
      const marked = await store.mentions.markRead(accountId, userId, req.body.ids);
      return { marked, unread: await store.mentions.unreadCount(accountId, userId) };
    },
  );
}
