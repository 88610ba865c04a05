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
