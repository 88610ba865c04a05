import type { BeckonApi } from '../widget-api.ts';

/** True when `command` is `['consent', false]` (or any falsy decision): the visitor withdrew. */
export const withdraws = (command: unknown): boolean =>
  Array.isArray(command) && command[0] === 'consent' && !command[1];

/**
 * Calls `stop` when the page withdraws consent with `beckon.push(['consent', false])` (the call
 * form `beckon('consent', false)` goes through `push` too). The loader
 * stops its own tracking and forgets its ids; it has no bytes left to tell the widget (W5), so the
 * widget listens to the same calls by wrapping `push` once it has registered.
 */
export function watchConsent(api: BeckonApi, stop: () => void): void {
  const push = api.push;
  api.push = (...commands) => {
    push(...commands);
    if (commands.some(withdraws)) stop();
  };
}
