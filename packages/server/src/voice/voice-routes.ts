import {
  CallbackList,
  CallbackListQuery,
  CallbackOutcomeInput,
  CallbackView,
  VoiceSettings,
  VoiceSettingsPatch,
} from '@beckon/protocol/call-protocol';
import { authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import { IdParams, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { type CallbackScheduler, callbackView } from './callbacks.ts';

/** The signed-in agent's voice settings: whether calls ring them, and whether chats come during a call. */
export function voiceRoutes(app: App, ctx: AppContext, callbacks: CallbackScheduler): void {
  const { store } = ctx;
  const agents = { onRequest: requireRole(store, ['owner', 'admin', 'agent']) };
  const tags = ['voice'];
  const me = (req: Parameters<typeof authOf>[0]) => {
    const auth = authOf(req);
    if (!auth.userId) throw badRequest('voice settings belong to a signed-in user', 'user_required');
    return { accountId: auth.accountId, userId: auth.userId };
  };

  app.get(
    '/api/v1/me/voice',
    {
      ...agents,
      schema: { tags, security, summary: 'My voice settings', response: replies(200, VoiceSettings) },
    },
    async (req) => {
      const { accountId, userId } = me(req);
      return store.calls.settingsOf(accountId, userId);
    },
  );

  app.patch(
    '/api/v1/me/voice',
    {
      ...agents,
      schema: {
        tags,
        security,
        summary: 'Change my voice settings (an agent who takes no calls is never rung)',
        body: VoiceSettingsPatch,
        response: replies(200, VoiceSettings),
      },
    },
    async (req) => {
      const { accountId, userId } = me(req);
      const now = await store.calls.settingsOf(accountId, userId);
      await store.calls.setSettings(accountId, userId, { ...now, ...req.body });
      return store.calls.settingsOf(accountId, userId);
    },
  );

  app.get(
    '/api/v1/callbacks',
    {
      ...agents,
      schema: {
        tags,
        security,
        summary:
          'Callbacks by state, soonest first: `open` (the default) is scheduled and due ones, `done` those with an outcome',
        querystring: CallbackListQuery,
        response: replies(200, CallbackList),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const status = req.query.status ?? 'open';
      const rows = await store.callbacks.list(
        accountId,
        status === 'open' ? ['scheduled', 'queued'] : [status],
      );
      return { callbacks: rows.map(callbackView) };
    },
  );

  app.get(
    '/api/v1/conversations/:id/callback',
    {
      ...agents,
      schema: {
        tags,
        security,
        summary: 'The callback a conversation is for (404 when it is not one)',
        params: IdParams,
        response: replies(200, CallbackView),
      },
    },
    async (req) => {
      const auth = authOf(req);
      // Only who may see the conversation sees its callback.
      await ctx.store.conversations.get(auth.accountId, req.params.id);
      return callbacks.forConversation(auth.accountId, req.params.id);
    },
  );

  app.post(
    '/api/v1/callbacks/:id/outcome',
    {
      ...agents,
      schema: {
        tags,
        security,
        summary: 'Record how a callback went (the agent who holds it); `rescheduled` needs `rescheduleAt`',
        params: IdParams,
        body: CallbackOutcomeInput,
        response: replies(200, CallbackView),
      },
    },
    async (req) => {
      const auth = authOf(req);
      return callbacks.outcome(
        { accountId: auth.accountId, role: auth.role, ...(auth.userId ? { userId: auth.userId } : {}) },
        req.params.id,
        req.body.outcome,
        req.body.rescheduleAt,
      );
    },
  );
}
