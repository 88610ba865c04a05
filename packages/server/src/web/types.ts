import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { AppContext } from '../context.ts';
import type { RawRoutes } from './raw-routes.ts';

/** The Fastify instance with TypeBox types inferred from route schemas. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A plugin of routes: a feature's own, listed in `features.ts`, or the platform's, in `http/app.ts`. */
export type RoutesPlugin = (app: App, ctx: AppContext) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests answered on the HTTP server ahead of Fastify (see raw-routes.ts). */
    rawRoutes: RawRoutes;
  }
}
