import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { ThreadNames } from '../../channels/email/reply-token.ts';
import type { AppContext } from '../../context.ts';
import type { App } from '../types.ts';

const Query = Type.Object({
  a: Type.String({ maxLength: 64 }),
  c: Type.String({ maxLength: 64 }),
  t: Type.String({ maxLength: 64 }),
});

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A small page of its own: no script at all, its one style inline. */
function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1f2937;background:#f9fafb;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{max-width:420px;margin:24px;padding:32px;background:#fff;border:1px solid #e5e7eb;border-radius:16px;box-shadow:0 8px 24px rgba(17,24,39,.06)}
h1{margin:0 0 8px;font-size:20px}p{margin:0 0 20px;color:#4b5563}
button{font:inherit;font-weight:600;padding:10px 18px;border:0;border-radius:10px;background:#4338ca;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #a5b4fc;outline-offset:2px}</style></head>
<body><main>${body}</main></body></html>`);
}

/**
 * The unsubscribe link of automatic and campaign mails (`/email/unsubscribe?a&c&t`): opening it
 * shows a button, so a mail scanner following links opts no one out; the button, and a mail
 * client's one-click unsubscribe (RFC 8058), POST to the same address. The token is an HMAC only
 * this installation makes, so a link opts out its own contact only.
 */
export function unsubscribeRoutes(app: App, ctx: AppContext, names: ThreadNames): void {
  const { store } = ctx;
  const refused = (reply: FastifyReply) =>
    page(
      reply,
      404,
      'Link not valid',
      '<h1>This link is not valid</h1><p>It may have been copied only in part.</p>',
    );
  const accountName = async (accountId: string) => (await store.accounts.get(accountId))?.name ?? 'us';

  app.get('/email/unsubscribe', { schema: { hide: true, querystring: Query } }, async (req, reply) => {
    const { a, c, t } = req.query;
    if (!names.checkUnsubscribe(a, c, t) || !(await store.contacts.find(a, c))) return refused(reply);
    const name = escapeHtml(await accountName(a));
    return page(
      reply,
      200,
      'Unsubscribe',
      `<h1>Stop e-mail from ${name}?</h1><p>You will no longer get messages or reply notifications from ${name} by e-mail. Replies to your own e-mails still reach you.</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`,
    );
  });

  app.post('/email/unsubscribe', { schema: { hide: true, querystring: Query } }, async (req, reply) => {
    const { a, c, t } = req.query;
    const contact = names.checkUnsubscribe(a, c, t) ? await store.contacts.find(a, c) : undefined;
    if (!contact) return refused(reply);
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
