import { envFlag } from '../config-integer.ts';

/** How the server reaches URLs that people configured (`BECKON_EGRESS_*`, see docs/configuration.md). */
export interface EgressOptions {
  /**
   * Reach private, loopback and link-local addresses too (`BECKON_EGRESS_ALLOW_PRIVATE`, or its
   * older name `BECKON_WEBHOOKS_ALLOW_PRIVATE`): a test server, a provider proxy on the LAN.
   */
  allowPrivate: boolean;
  /** The most redirects one request follows, each hop checked like the first. */
  maxRedirects: number;
  /** Provider requests are made on a thread of their own (`BECKON_EGRESS_THREAD`, default on). */
  thread?: boolean;
}

export const DEFAULT_EGRESS_OPTIONS: EgressOptions = { allowPrivate: false, maxRedirects: 5 };

const FLAG = ['', '0', '1', 'true', 'false'];

/** The egress settings from the environment; a bad value stops the start with its name. */
export function loadEgressOptions(env: NodeJS.ProcessEnv): EgressOptions {
  const name = env.BECKON_EGRESS_ALLOW_PRIVATE
    ? 'BECKON_EGRESS_ALLOW_PRIVATE'
    : 'BECKON_WEBHOOKS_ALLOW_PRIVATE';
  const allow = env[name] ?? '';
  if (!FLAG.includes(allow)) throw new Error(`invalid ${name}: ${allow}`);
  for (const other of ['BECKON_EGRESS_ALLOW_PRIVATE', 'BECKON_WEBHOOKS_ALLOW_PRIVATE']) {
    if (!FLAG.includes(env[other] ?? '')) throw new Error(`invalid ${other}: ${env[other]}`);
  }
  const raw = env.BECKON_EGRESS_MAX_REDIRECTS;
  const maxRedirects = raw === undefined || raw === '' ? DEFAULT_EGRESS_OPTIONS.maxRedirects : Number(raw);
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0 || maxRedirects > 20)
    throw new Error(`invalid BECKON_EGRESS_MAX_REDIRECTS: ${raw}`);
  return {
    allowPrivate: allow === '1' || allow === 'true',
    maxRedirects,
    thread: envFlag(env, 'BECKON_EGRESS_THREAD', true),
  };
}
