import { AwayReasons } from '@beckon/protocol/api';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { badRequest } from '../../errors.ts';
import { replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';

/** The account's away reasons: every member reads them (the status switch), admins edit them. */
export function awayReasonsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const tags = ['users'];

  app.get(
    '/api/v1/account/away-reasons',
    {
      onRequest: requireRole(store, ALL_ROLES),
      schema: {
        tags,
        security,
        summary: 'The reasons an agent can pick when going away',
        response: replies(200, AwayReasons),
      },
    },
    async (req) => ({ reasons: await store.agentStates.awayReasons(authOf(req).accountId) }),
  );

  app.put(
    '/api/v1/account/away-reasons',
    {
      onRequest: requireRole(store, ADMINS),
      schema: {
        tags,
        security,
        summary: 'Replace the away reasons (at least one, in the order agents see them)',
        description:
          'An agent already away for a reason removed here stays away; the reason is kept on record.',
        body: AwayReasons,
        response: replies(200, AwayReasons),
      },
    },
    async (req) => {
      const reasons = req.body.reasons.map((r) => r.trim());
      if (reasons.length === 0) throw badRequest('keep at least one away reason', 'no_away_reasons');
      if (new Set(reasons.map((r) => r.toLowerCase())).size !== reasons.length)
        throw badRequest('each away reason must be different', 'duplicate_away_reason');
      const { accountId } = authOf(req);
      await store.agentStates.setAwayReasons(accountId, reasons);
      return { reasons };
    },
  );
}
