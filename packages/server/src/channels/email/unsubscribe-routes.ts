import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import { escapeHtml, linkNotValid, page } from '../../web/html-page.ts';
import type { App } from '../../web/types.ts';
import type { ThreadNames } from './reply-token.ts';

const Query = Type.Object({
  a: Type.String({ maxLength: 64 }),
  c: Type.String({ maxLength: 64 }),
  t: Type.String({ maxLength: 64 }),
});

/**
 * The unsubscribe link of automatic and campaign mails (`/email/unsubscribe?a&c&t`): opening it
 * shows a button, so a mail scanner following links opts no one out; the button, and a mail
 * client's one-click unsubscribe (RFC 8058), POST to the same address. The token is an HMAC only
 * this installation makes, so a link opts out its own contact only.
 */
export function unsubscribeRoutes(app: App, ctx: AppContext, names: ThreadNames): void {
  const { store } = ctx;
  const accountName = async (accountId: string) => (await store.accounts.get(accountId))?.name ?? 'us';

  app.get('/email/unsubscribe', { schema: { hide: true, querystring: Query } }, async (req, reply) => {
    const { a, c, t } = req.query;
    if (!names.checkUnsubscribe(a, c, t) || !(await store.contacts.find(a, c))) return linkNotValid(reply);
    const name = escapeHtml(await accountName(a));
    return page(
      reply,
      200,
      'Unsubscribe',
      `<h1>Stop e-mail from ${name}?</h1><p>You will no longer get messages or reply notifications from ${name} by e-mail. Replies to your own e-mails still reach you.</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`,
    );
  });

  // A mail client's one-click POST carries `List-Unsubscribe=One-Click` as a form (RFC 8058 §3.1);
  // the address alone says who, so the body is read and dropped.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/x-www-form-urlencoded', 'multipart/form-data'],
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, _body, done) => done(null, undefined),
    );
    unsubscribePost(scope, store, accountName, names);
  });
}

/** The POST of the unsubscribe page's button and of a mail client's one-click unsubscribe. */
function unsubscribePost(
  app: App,
  store: AppContext['store'],
  accountName: (accountId: string) => Promise<string>,
  names: ThreadNames,
): void {
  app.post('/email/unsubscribe', { schema: { hide: true, querystring: Query } }, async (req, reply) => {
    const { a, c, t } = req.query;
    const contact = names.checkUnsubscribe(a, c, t) ? await store.contacts.find(a, c) : undefined;
    if (!contact) return linkNotValid(reply);
    await store.contacts.update(a, contact.id, { emailOptOut: true });
    const name = escapeHtml(await accountName(a));
    return page(
      reply,
      200,
      'Unsubscribed',
      `<h1>You are unsubscribed</h1><p>${name} will not send you e-mail of its own any more.</p>`,
    );
  });
}
