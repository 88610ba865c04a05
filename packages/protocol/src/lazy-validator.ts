import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

/** What callers use of a compiled validator. */
export interface SchemaCheck {
  Check(value: unknown): boolean;
  Errors(value: unknown): ReturnType<Validator['Errors']>;
}

/**
 * A validator compiled at its first use instead of when its module loads: a process pays only for
 * the schemas it checks. Compiling every frame, attribute and campaign schema at import took about
 * a third of a second of CPU at each start of a server, a test or the CLI.
 */
export function lazyCompile(schema: TSchema): SchemaCheck {
  let compiled: Validator | undefined;
  const get = () => (compiled ??= Compile(schema));
  return {
    Check: (value) => get().Check(value),
    Errors: (value) => get().Errors(value),
  };
}
