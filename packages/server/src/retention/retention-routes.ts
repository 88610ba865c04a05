import { RetentionPolicyBody, RetentionSettings } from '@beckon/protocol/governance-api';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { DEFAULT_RETENTION } from './retention-policy.ts';
import { policyOf } from './retention-sweeper.ts';

const OWNERS = ['owner'] as const;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** How long the account keeps each kind of data: read by owners and admins, changed by owners. */
export function retentionRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const tags = ['account'];

  const settingsOf = async (accountId: string) => {
    const [policy, sweep] = await Promise.all([
      policyOf(store, accountId),
      store.retention.sweepOf(accountId),
    ]);
    return {
      policy,
      defaults: DEFAULT_RETENTION,
      lastSweepAt: iso(sweep.lastAt),
      nextSweepAt: iso(sweep.nextAt),
    };
  };

  app.get(
    '/api/v1/account/retention',
    {
      onRequest: requireRole(store, ADMINS),
      schema: {
        tags,
        security,
        summary: 'How long each kind of data is kept (days; 0: forever)',
        response: replies(200, RetentionSettings),
      },
    },
    async (req) => settingsOf(authOf(req).accountId),
  );

  app.put(
    '/api/v1/account/retention',
    {
      onRequest: requireRole(store, OWNERS),
      schema: {
        tags,
        security,
        summary: 'Change how long kinds of data are kept (days; 0: forever); kinds left out keep theirs',
        description:
          'The next sweep applies the new limits; data past a shorter limit is deleted then, for good.',
        body: RetentionPolicyBody,
        response: replies(200, RetentionSettings),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      await store.retention.setPolicy(accountId, req.body);
      return settingsOf(accountId);
    },
  );
}
