import { EraseResult, PrivacyRequest } from '@beckon/protocol/privacy-api';
import Type from 'typebox';
import { ADMINS, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { LocalDiskStorage } from '../conversations/attachments/attachment-storage.ts';
import { engagementOf } from '../engagement/engagement-runtime.ts';
import { badRequest, notFound } from '../errors.ts';
import { normalisePhone } from '../store/contacts-repo.ts';
import { errors, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { PrivacyService } from './privacy-service.ts';

const tags = ['privacy'];

/** Exactly one key names the person; a 400 says which path is wrong. */
function oneKey(body: PrivacyRequest): PrivacyRequest {
  const keys = (['visitorId', 'contactId', 'email', 'phone'] as const).filter((k) => body[k] !== undefined);
  if (keys.length !== 1) throw badRequest('/: give exactly one of visitorId, contactId, email or phone');
  if (body.email !== undefined && !body.email.includes('@'))
    throw badRequest('/email: not an e-mail address');
  if (body.phone !== undefined && !normalisePhone(body.phone))
    throw badRequest('/phone: not a phone number (6 to 15 digits)');
  return body;
}

/**
 * Privacy requests (GDPR articles 15 and 17): export everything held about one visitor or contact
 * as a ZIP, or erase them. Owners and admins only; the person is looked up within the caller's
 * account, so another account's person is a 404 like an unknown one.
 */
export function privacyRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const admins = { onRequest: requireRole(store, ADMINS) };
  const privacy = new PrivacyService(
    store,
    new LocalDiskStorage(ctx.config.dataDir),
    engagementOf(ctx).tracker,
    engagementOf(ctx).contacts,
    ctx.logger.child({ component: 'privacy' }),
  );

  app.post(
    '/api/v1/privacy/export',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Everything held about one visitor or contact, as a ZIP of JSON files and their attachments',
        body: PrivacyRequest,
        response: {
          200: {
            description: 'The archive',
            content: { 'application/zip': { schema: Type.String({ format: 'binary' }) } },
          },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const person = await privacy.subject(authOf(req).accountId, oneKey(req.body));
      if (!person) throw notFound('person');
      const zip = await privacy.export(person);
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="beckon-person-${day}.zip"`)
        .header('cache-control', 'no-store')
        .send(zip as unknown as string); // a stream: the schema above only documents it
    },
  );

  app.post(
    '/api/v1/privacy/erase',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary:
          'Erase one person (by visitor, contact, e-mail or phone) everywhere; the answer counts what went, per kind. Reports keep their counts with nothing that leads back to them',
        body: PrivacyRequest,
        response: replies(200, EraseResult),
      },
    },
    async (req) => {
      const person = await privacy.subject(authOf(req).accountId, oneKey(req.body));
      if (!person) throw notFound('person');
      return privacy.erase(person);
    },
  );
}
