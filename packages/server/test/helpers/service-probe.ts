import { execFileSync } from 'node:child_process';

/**
 * Whether PostgreSQL or Redis answers, asked synchronously in a child process, so that a suite can
 * decide to skip as it is declared. A test file cannot await for that as it loads: where several
 * files share a process (scripts/test-group.mjs), Node 20 attaches the suites a module declares after
 * a top-level await to no file, so their hooks, timings and settings leave the file they belong to.
 * Null when the service answered, else why not.
 */
export function probeServiceSync(kind: 'postgres' | 'redis', url: string): string | null {
  const script =
    kind === 'postgres'
      ? `import pg from 'pg';
         const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 20000 });
         await c.connect(); await c.query('select 1'); await c.end();`
      : `import { Redis } from 'ioredis';
         const r = new Redis(process.argv[1], { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 20000, retryStrategy: () => null });
         await r.connect(); await r.ping(); r.disconnect();`;
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', script, url], {
      cwd: new URL('../../../..', import.meta.url).pathname,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
      // The child is no test process: none of the runner's settings or loaders.
      env: { PATH: process.env.PATH ?? '' },
    });
    return null;
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '');
    const line = stderr.split('\n').find((l) => /Error|ECONN|refused|timeout/i.test(l));
    return (line ?? (err as Error).message).trim();
  }
}
