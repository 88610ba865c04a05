import { type SerializerFactory, SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

// Route schemas compile when a route is first used, not when the node starts, and once per
// process. Fastify compiles every response serializer and input validator at `ready`: for this
// API that was about half a second of each node's start, most of it for routes a node may not
// serve for a while. The code is the same as Fastify's own: the same compilers, called later.
// An invalid schema fails at its route's first request; api-bad-input.test.ts compiles them all.

type Serialize = (data: unknown) => string;
/** Every route schema seen so far, each a call that compiles it now (see `compileEveryRouteSchema`). */
const seen: Array<() => unknown> = [];
const serializers = new WeakMap<object, Serialize>();
const validators = new WeakMap<object, Map<string, ReturnType<FastifySchemaCompiler<unknown>>>>();

/**
 * Fastify's `schemaController.compilersFactory.buildSerializer`, compiling on first use. The
 * per-process cache is keyed by the route's schema object: the app adds no shared schemas
 * (`addSchema`), so one schema compiles the same way in every app.
 */
export const buildLazySerializer: SerializerFactory = (externalSchemas, options) => {
  const compileSerializer = SerializerSelector()(externalSchemas, options);
  return (route) => {
    const key = route.schema as object;
    let serialize = serializers.get(key);
    const compile = () => {
      // Another app of this process may have compiled the same schema since.
      serialize ??= serializers.get(key);
      if (!serialize) {
        serialize = compileSerializer(route);
        serializers.set(key, serialize);
      }
      return serialize;
    };
    seen.push(compile);
    return (data) => (serialize ?? compile())(data);
  };
};

/** TypeBox's validator compiler, compiling each part of a route's schema on first use. */
export const lazyValidatorCompiler: FastifySchemaCompiler<FastifySchema> = (route) => {
  const byPart = validators.get(route.schema) ?? new Map();
  validators.set(route.schema, byPart);
  const compile = () => {
    let validate = byPart.get(route.httpPart ?? '');
    if (!validate) {
      validate = TypeBoxValidatorCompiler(route as Parameters<typeof TypeBoxValidatorCompiler>[0]);
      byPart.set(route.httpPart ?? '', validate);
    }
    return validate;
  };
  seen.push(compile);
  return (data) => compile()(data);
};

/** Compiles every route schema seen so far, as Fastify would at start; answers how many (tests). */
export function compileEveryRouteSchema(): number {
  for (const compile of seen) compile();
  return seen.length;
}
