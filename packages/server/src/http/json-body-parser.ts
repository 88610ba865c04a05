import type { App } from '../web/types.ts';

/**
 * Parses `application/json` bodies as Fastify does (prototype poisoning refused), except that an
 * empty body is no body: many HTTP clients send the header on every request, a `DELETE` or a
 * body-less action included, and Fastify's own parser answers those with 400. A route that needs a
 * body still says so through its schema.
 */
export function acceptEmptyJsonBodies(app: App): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body.length === 0) done(null, undefined);
    else parse(req, String(body), done);
  });
}
