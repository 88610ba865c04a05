/** An integer setting from the environment, `fallback` when unset; a bad value stops the start with its name. */
export function envInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`invalid ${name}: ${raw}`);
  return v;
}

/** An on/off setting from the environment (`1`/`true`, `0`/`false`), `fallback` when unset; a bad value stops the start with its name. */
export function envFlag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new Error(`invalid ${name}: ${raw}`);
}
