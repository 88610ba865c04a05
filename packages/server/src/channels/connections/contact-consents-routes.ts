import type { Role } from '@beckon/protocol/api';
import { ConsentInput, ConsentParams, Consents } from '@beckon/protocol/consents-api';
import { ADMINS, authOf, requireRole } from '../../auth/auth-context.ts';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { IdParams, replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';

const STAFF: readonly Role[] = ['owner', 'admin', 'agent'];
const tags = ['contacts'];

/**
 * A contact's opt-ins to WhatsApp and SMS messages: staff read them; admins record one (from the
 * console, or through the API with where it was given) or withdraw it. A customer who writes
 * first is recorded by the channel itself.
 */
export function contactConsentsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const staff = { onRequest: requireRole(store, STAFF) };
  const admins = { onRequest: requireRole(store, ADMINS) };

  const consentsOf = async (accountId: string, contactId: string) => {
    const contact = await store.contacts.find(accountId, contactId);
    if (!contact) throw notFound('contact');
    const items = await store.consents.list(accountId, contact.id);
    return {
      items: items.map((c) => ({ ...c, at: new Date(c.at).toISOString() })),
      smsOptOut: await store.contacts.smsOptedOut(accountId, contact.id),
      ...(await store.appPush.sitesOf(accountId, contact.id)),
    };
  };

  app.get(
    '/api/v1/contacts/:id/consents',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: "A contact's opt-ins to WhatsApp and SMS messages, with their source, and an SMS STOP",
        params: IdParams,
        response: replies(200, Consents),
      },
    },
    async (req) => consentsOf(authOf(req).accountId, req.params.id),
  );

  app.put(
    '/api/v1/contacts/:id/consents/:channel',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary:
          'Record that a contact opted in to WhatsApp or SMS messages (`detail`: where, e.g. "checkout form")',
        params: ConsentParams,
        body: ConsentInput,
        response: replies(200, Consents),
      },
    },
    async (req) => {
      const a = authOf(req);
      const contact = await store.contacts.find(a.accountId, req.params.id);
      if (!contact) throw notFound('contact');
      await store.consents.record(a.accountId, contact.id, {
        channel: req.params.channel,
        // A console user records it on the contact page; an API key speaks for another system.
        source: a.userId ? 'console' : 'api',
        detail: req.body?.detail ?? null,
      });
      return consentsOf(a.accountId, contact.id);
    },
  );

  app.delete(
    '/api/v1/contacts/:id/consents/:channel',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: "Withdraw a contact's opt-in: campaigns no longer message them on that channel",
        params: ConsentParams,
        response: replies(200, Consents),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const contact = await store.contacts.find(accountId, req.params.id);
      if (!contact) throw notFound('contact');
      await store.consents.withdraw(accountId, contact.id, req.params.channel);
      return consentsOf(accountId, contact.id);
    },
  );
}
