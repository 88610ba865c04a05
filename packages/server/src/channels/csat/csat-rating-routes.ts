import Type from 'typebox';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { escapeHtml, linkNotValid, page } from '../../web/html-page.ts';
import type { App } from '../../web/types.ts';
import type { ThreadNames } from '../email/reply-token.ts';
import { SCORES } from './csat-survey.ts';
import type { CsatSurveys } from './csat-surveys.ts';

const Query = Type.Object({
  a: Type.String({ maxLength: 64 }),
  c: Type.String({ maxLength: 64 }),
  t: Type.String({ maxLength: 64 }),
  s: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
});

/**
 * The rating page of an e-mail survey (`/csat/rate?a&c&t&s`). Opening a link shows the five
 * scores with the one clicked in the mail chosen, so a mail scanner that follows every link
 * rates nothing; a score's button POSTs to the same address and records it as the conversation's
 * CSAT, like a survey answered on any other channel. The token is an HMAC only this installation
 * makes: a link rates its own conversation only.
 */
export function csatRatingRoutes(app: App, ctx: AppContext, names: ThreadNames, surveys: CsatSurveys): void {
  const { store } = ctx;
  const accountName = async (accountId: string) => (await store.accounts.get(accountId))?.name ?? 'us';
  const valid = async (q: { a: string; c: string; t: string }) =>
    names.checkRating(q.a, q.c, q.t) && (await store.conversations.find(q.a, q.c)) !== undefined;
  const scores = (q: { a: string; c: string; t: string }, chosen: number | undefined) =>
    `<div class="scores">${SCORES.map(({ score, title }) => {
      const action = `?${new URLSearchParams({ a: q.a, c: q.c, t: q.t, s: String(score) })}`;
      const cls = score === chosen ? ' class="chosen" autofocus' : '';
      return `<form method="post" action="${escapeHtml(action)}"><button type="submit"${cls}>${escapeHtml(title)}</button></form>`;
    }).join('')}</div>`;

  app.get('/csat/rate', { schema: { hide: true, querystring: Query } }, async (req, reply) => {
    if (!(await valid(req.query))) return linkNotValid(reply);
    const name = escapeHtml(await accountName(req.query.a));
    return page(
      reply,
      200,
      'Rate our help',
      `<h1>How would you rate the help ${name} gave you?</h1><p>Choose a score to send it.</p>${scores(req.query, req.query.s)}`,
    );
  });

  app.post('/csat/rate', { schema: { hide: true, querystring: Query } }, async (req, reply) => {
    const q = req.query;
    if (!(await valid(q))) return linkNotValid(reply);
    if (q.s === undefined)
      return page(
        reply,
        400,
        'Choose a score',
        `<h1>Choose a score</h1><p>Pick one from 1 to 5.</p>${scores(q, undefined)}`,
      );
    try {
      await surveys.rate(q.a, q.c, q.s);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_ended') throw err;
      return page(
        reply,
        409,
        'Not rated yet',
        '<h1>This conversation is open again</h1><p>You can rate it once it is resolved.</p>',
      );
    }
    const name = escapeHtml(await accountName(q.a));
    return page(
      reply,
      200,
      'Thank you',
      `<h1>Thank you for your rating</h1><p>You gave ${name} ${q.s} out of 5. You can change it from the same mail.</p>`,
    );
  });
}
