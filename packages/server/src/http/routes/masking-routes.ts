import { maskPatternProblem } from '@beckon/core/masking/message-masking';
import { MaskingSettings } from '@beckon/protocol/masking-api';
import { ADMINS, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { badRequest } from '../../errors.ts';
import { maskerOf } from '../../privacy/message-masker.ts';
import { replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';

/**
 * What the account masks in every message before it is stored: card numbers, IBANs and its own
 * patterns. Admins read and change it; every change is in the audit log.
 */
export function maskingRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const tags = ['security'];

  app.get(
    '/api/v1/account/masking',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'What is masked in messages before they are stored',
        response: replies(200, MaskingSettings),
      },
    },
    async (req) => store.masking.get(authOf(req).accountId),
  );

  app.put(
    '/api/v1/account/masking',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Change what is masked in messages before they are stored',
        description:
          'Applies to messages stored from now on; stored messages keep what they were stored with. ' +
          'A pattern must run in linear time (no backreferences or lookarounds) and must not match ' +
          'empty text; its replacement is written as it is. A refused pattern is named in the 400.',
        body: MaskingSettings,
        response: replies(200, MaskingSettings),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const settings = {
        cards: req.body.cards,
        ibans: req.body.ibans,
        patterns: req.body.patterns.map((p) => ({
          name: p.name.trim(),
          pattern: p.pattern,
          ...(p.flags ? { flags: p.flags } : {}),
          replacement: p.replacement,
        })),
      };
      settings.patterns.forEach((p, i) => {
        if (!p.name) throw badRequest(`/patterns/${i}/name: give the pattern a name`, 'invalid_mask_pattern');
        const problem = maskPatternProblem(p);
        if (problem)
          throw badRequest(`/patterns/${i}/pattern ("${p.name}"): ${problem}`, 'invalid_mask_pattern');
      });
      await store.masking.set(accountId, settings);
      maskerOf(ctx).changed(accountId);
      return settings;
    },
  );
}
