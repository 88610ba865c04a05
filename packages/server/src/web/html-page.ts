import type { FastifyReply } from 'fastify';

/** Pages the server renders itself for people who follow a link from a mail (unsubscribe, rating). */

/** Text made safe inside HTML. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A small page of its own: no script at all, its one style inline. */
export function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
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
button:focus-visible{outline:3px solid #a5b4fc;outline-offset:2px}
.scores{display:flex;flex-wrap:wrap;gap:8px}.scores form{margin:0}.scores button{background:#eef2ff;color:#3730a3}.scores button.chosen{background:#4338ca;color:#fff}</style></head>
<body><main>${body}</main></body></html>`);
}

/** The answer to a mailed link whose signature does not hold (copied in part, or made up). */
export const linkNotValid = (reply: FastifyReply) =>
  page(
    reply,
    404,
    'Link not valid',
    '<h1>This link is not valid</h1><p>It may have been copied only in part.</p>',
  );
