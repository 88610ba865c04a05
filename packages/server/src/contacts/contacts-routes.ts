import type { Role } from '@beckon/protocol/api';
import {
  Contact,
  ContactDetail,
  ContactListQuery,
  ContactMergeView,
  ContactNames,
  ContactNamesQuery,
  ContactNote,
  ContactPage,
  ContactPatch,
  IdentitySettings,
  MergeInput,
  NoteInput,
} from '@beckon/protocol/contacts-api';
import Type from 'typebox';
import { ADMINS, ALL_ROLES, authOf, requireRole } from '../auth/auth-context.ts';
import type { AppContext } from '../context.ts';
import { errors, IdParams, replies, security } from '../web/responses.ts';
import type { App } from '../web/types.ts';
import { contactDetail, contactPage, contactsCsv } from './contact-profile.ts';
import { identitySnippets } from './identity-snippets.ts';

const STAFF: readonly Role[] = ['owner', 'admin', 'agent'];
const tags = ['contacts'];
/** Ids in one names lookup, at most (a page of a list). */
const MAX_NAMES = 200;

const idList = (text: string | undefined) =>
  [...new Set((text ?? '').split(',').map((s) => s.trim()))]
    .filter((s) => s && s.length <= 64)
    .slice(0, MAX_NAMES);

/**
 * Contacts: search, the contact page, edits, notes, merge and undo, the CSV export, and each
 * site's identity secret. Every id is looked up within the caller's account: another account's
 * contact is a 404.
 */
export function contactsRoutes(app: App, ctx: AppContext): void {
  const { store } = ctx;
  const readers = { onRequest: requireRole(store, ALL_ROLES) };
  const staff = { onRequest: requireRole(store, STAFF) };
  const admins = { onRequest: requireRole(store, ADMINS) };

  app.get(
    '/api/v1/contacts',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'Search contacts by name, e-mail or phone (latest seen first)',
        querystring: ContactListQuery,
        response: replies(200, ContactPage),
      },
    },
    async (req) => contactPage(store, authOf(req).accountId, req.query),
  );

  app.get(
    '/api/v1/contacts/export.csv',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary: 'Every contact matching `q` as CSV',
        querystring: Type.Object(
          { q: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
        response: {
          200: { description: 'The contacts as CSV', content: { 'text/csv': { schema: Type.String() } } },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const csv = await contactsCsv(store, authOf(req).accountId, req.query.q ?? '');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="beckon-contacts.csv"')
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );

  app.get(
    '/api/v1/contacts/names',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary:
          'Names of contacts and of the contacts of tag visitors, for lists (inbox, history, live visitors)',
        querystring: ContactNamesQuery,
        response: replies(200, ContactNames),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const [contacts, visitors] = await Promise.all([
        store.contacts.byIds(accountId, idList(req.query.ids)),
        store.contacts.ofVisitors(accountId, idList(req.query.visitorIds)),
      ]);
      const out: ContactNames = { contacts: {}, visitors: {} };
      for (const c of contacts) out.contacts[c.id] = { name: c.name, email: c.email };
      for (const [visitorId, c] of visitors) {
        out.visitors[visitorId] = { contactId: c.id, name: c.name, email: c.email };
      }
      return out;
    },
  );

  app.get(
    '/api/v1/contacts/:id',
    {
      ...readers,
      schema: {
        tags,
        security,
        summary:
          'A contact with its conversations on every channel (newest first), visits, purchases, notes and merges that can be undone',
        params: IdParams,
        response: replies(200, ContactDetail),
      },
    },
    async (req) => contactDetail(store, authOf(req).accountId, req.params.id),
  );

  app.patch(
    '/api/v1/contacts/:id',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Change a contact’s name, phone, attributes or e-mail opt-out',
        params: IdParams,
        body: ContactPatch,
        response: replies(200, Contact),
      },
    },
    async (req) => store.contacts.update(authOf(req).accountId, req.params.id, req.body),
  );

  app.post(
    '/api/v1/contacts/:id/notes',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Add a note about a contact',
        params: IdParams,
        body: NoteInput,
        response: replies(201, ContactNote),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const note = await store.contacts.addNote(
        auth.accountId,
        req.params.id,
        auth.userId ?? null,
        req.body.body,
      );
      const author = auth.userId
        ? await store.users.get(auth.accountId, auth.userId).catch(() => undefined)
        : undefined;
      return reply.code(201).send({ ...note, authorName: author?.name ?? null });
    },
  );

  app.post(
    '/api/v1/contacts/:id/merge',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary:
          'Merge another contact into this one (its conversations, visitors and notes move here); 409 for two verified users',
        params: IdParams,
        body: MergeInput,
        response: replies(201, ContactMergeView),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const kept = await store.contacts.get(auth.accountId, req.params.id);
      const merged = await store.contacts.get(auth.accountId, req.body.contactId);
      const m = await store.contacts.merge(auth.accountId, kept.id, merged.id, auth.userId ?? null);
      return reply.code(201).send(m);
    },
  );

  app.post(
    '/api/v1/contacts/merges/:id/undo',
    {
      ...staff,
      schema: {
        tags,
        security,
        summary: 'Undo a merge: the merged contact stands on its own again with what the merge moved',
        params: IdParams,
        response: replies(200, ContactMergeView),
      },
    },
    async (req) => store.contacts.unmerge(authOf(req).accountId, req.params.id),
  );

  app.get(
    '/api/v1/sites/:id/identity',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary:
          'The site’s identity secret (for identify’s userHash) and server snippets for Node, PHP, Python, Ruby',
        params: IdParams,
        response: replies(200, IdentitySettings),
      },
    },
    async (req) => {
      const secret = await store.sites.identitySecret(authOf(req).accountId, req.params.id);
      return { secret, snippets: identitySnippets(secret) };
    },
  );

  app.post(
    '/api/v1/sites/:id/identity/rotate',
    {
      ...admins,
      schema: {
        tags,
        security,
        summary: 'Replace the site’s identity secret: hashes made with the old one stop working',
        params: IdParams,
        response: replies(200, IdentitySettings),
      },
    },
    async (req) => {
      const secret = await store.sites.rotateIdentitySecret(authOf(req).accountId, req.params.id);
      return { secret, snippets: identitySnippets(secret) };
    },
  );
}
