// The README's "Running with PostgreSQL", word for word, on a fresh clone: a new database, the
// commands of its code block (read from README.md, so this follows the README when it changes),
// a sign-in over HTTP with the user it made, then a second node started the same way from a
// second clone: it refuses and says what to set, and with that set it reads what the first sealed.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { SECRET_KEY_FILE } from '../src/store/secret-key.ts';
import { freshClone, REPO_ROOT } from './helpers/fresh-clone.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { freePort } from './helpers/private-redis.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

/** The commands of the README's PostgreSQL section: its first `sh` block, a command a line. */
function readmeSteps(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Running with PostgreSQL'));
  assert.ok(section, 'README.md has a "Running with PostgreSQL" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'the section has a sh code block');
  return block
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/**
 * A README line for this machine: `USER` is the server's user, and the database gets a name of
 * its own so that nobody's `beckon` database is touched. Nothing else in the line changes.
 */
function forThisMachine(line: string, readmeDb: string, db: string): string {
  return line
    .replace(/\bUSER@/, `${PG.user}@`)
    .replace(`:${PG.port}/${readmeDb}`, `:${PG.port}/${db}`)
    .replace(new RegExp(`^createdb ${readmeDb}$`), `createdb ${db}`);
}

interface Run {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs a README line with `sh` in `cwd`, as a person would in a terminal there. */
function run(line: string, cwd: string, env: Record<string, string>): Run {
  const base = { ...process.env } as Record<string, string>;
  // Only what the line itself sets: nothing of the test runner's own store or key.
  for (const k of Object.keys(base)) if (k === 'DATABASE_URL' || k.startsWith('BECKON_')) delete base[k];
  const child = spawn('sh', ['-c', line], {
    cwd,
    env: {
      ...base,
      PGHOST: PG.host,
      PGPORT: String(PG.port),
      PGUSER: PG.user,
      npm_config_offline: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/** Runs a line to its end; answers its output, failing on a non-zero exit. */
async function runToEnd(line: string, cwd: string, env: Record<string, string> = {}): Promise<string> {
  const r = run(line, cwd, env);
  const code = await r.exited;
  assert.equal(code, 0, `${line}\n${r.output()}`);
  return r.output();
}

/** Starts `beckon serve` and resolves once it says where the console is, or with its exit. */
function serve(line: string, cwd: string, env: Record<string, string>) {
  const r = run(line, cwd, env);
  const ready = new Promise<'ready' | number | null>((resolve) => {
    r.child.stdout!.on('data', () => {
      if (/Console\s+http/.test(r.output())) resolve('ready');
    });
    r.exited.then(resolve);
  });
  const stop = async () => {
    if (r.child.exitCode === null && r.child.signalCode === null) process.kill(-r.child.pid!, 'SIGTERM');
    await r.exited;
  };
  return { ...r, ready, stop };
}

/** Signs in over HTTP; answers what the console would keep (cookie and CSRF token). */
async function signIn(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('beckon_session='))!
    .split(';')[0]!;
  return (method: string, path: string, json?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': body.csrfToken,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
}

describe('the README, section "Running with PostgreSQL", on a fresh clone', () => {
  const skip = PG_SKIP;
  const root = mkdtempSync(join(tmpdir(), 'beckon-readme-'));
  const db = `beckon_readme_${randomBytes(4).toString('hex')}`;
  const running: Array<{ stop(): Promise<void> }> = [];
  after(async () => {
    for (const r of running) await r.stop();
    if (!skip) {
      const c = new pg.Client({ ...PG, database: 'postgres' });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await c.end();
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("works as written, and a second node reads the first one's secrets or says what to set", {
    skip: skip ?? false,
  }, async () => {
    const steps = readmeSteps();
    const readmeDb = /^createdb (\S+)$/.exec(steps[0]!)?.[1];
    assert.ok(readmeDb, `the first step makes the database: ${steps[0]}`);
    const [, migrate, addUser, serveLine] = steps.map((l) => forThisMachine(l, readmeDb, db));
    assert.equal(steps.length, 4, steps.join('\n'));
    assert.match(migrate!, /beckon migrate$/);
    assert.match(addUser!, /beckon user add /);
    assert.match(serveLine!, /beckon serve$/);
    for (const l of steps.slice(1))
      assert.match(forThisMachine(l, readmeDb, db), new RegExp(`@${PG.host}:${PG.port}/${db} `));

    const first = join(root, 'first');
    freshClone(first);
    assert.ok(!existsSync(join(first, 'data')));
    await runToEnd(forThisMachine(steps[0]!, readmeDb, db), first);
    await runToEnd(migrate!, first);
    const added = await runToEnd(addUser!, first);
    const password = /^password: (\S+)$/m.exec(added)?.[1];
    const email = /--email (\S+)/.exec(addUser!)?.[1];
    assert.ok(password && email, added);

    const port = String(await freePort());
    const env = { PORT: port, HOST: '127.0.0.1' };
    const url = `http://127.0.0.1:${port}`;
    const node1 = serve(serveLine!, first, env);
    running.push(node1);
    assert.equal(await node1.ready, 'ready', node1.output());
    const api = await signIn(url, email, password);
    const site = (await (await api('POST', '/api/v1/sites', { name: 'My Shop' })).json()) as { id: string };
    const identity = (await (await api('GET', `/api/v1/sites/${site.id}/identity`)).json()) as {
      secret: string;
    };
    assert.ok(identity.secret, JSON.stringify(identity));
    await node1.stop();
    const keyFile = join(first, 'data', SECRET_KEY_FILE);
    assert.ok(existsSync(keyFile), 'the first node made its key in ./data');

    // A second node started the same way, from its own clone: it has not the key, and says what to set.
    const second = join(root, 'second');
    freshClone(second);
    await runToEnd(migrate!, second);
    const refused = serve(serveLine!, second, env);
    running.push(refused);
    assert.notEqual(await refused.ready, 'ready', 'a node without the key must not start');
    assert.match(
      refused.output(),
      /beckon: this store's secrets are sealed with key [0-9a-f]{8}, and this node has no key: set BECKON_SECRET_KEY/,
    );
    assert.doesNotMatch(refused.output(), /\n\s+at /, 'the reason is one line, not a stack trace');
    assert.ok(!existsSync(join(second, 'data', SECRET_KEY_FILE)), 'no key of its own made');

    // With that set, it reads what the first one sealed.
    const node2 = serve(serveLine!, second, {
      ...env,
      BECKON_SECRET_KEY: readFileSync(keyFile, 'utf8').trim(),
    });
    running.push(node2);
    assert.equal(await node2.ready, 'ready', node2.output());
    const api2 = await signIn(url, email, password);
    const again = (await (await api2('GET', `/api/v1/sites/${site.id}/identity`)).json()) as {
      secret: string;
    };
    assert.equal(again.secret, identity.secret);
  });
});
