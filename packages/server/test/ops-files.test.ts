// The deployment files cannot be built into images on the machines that run these tests (no
// container daemon), so this reads them and checks what an operator relies on: that the image runs
// unprivileged on the newest Node LTS with a health check, and that the compose file runs two
// nodes on PostgreSQL and Redis behind a load balancer that checks readiness.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'yaml';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  ports?: string[];
}

describe('Dockerfile', () => {
  const steps = instructions(read('Dockerfile'));
  const after = (i: number) => steps.slice(i + 1);
  const lastFrom = steps.map((s) => s.op).lastIndexOf('FROM');
  const runtime = after(lastFrom);

  test('builds on the newest Node LTS line, slim', () => {
    const arg = steps.find((s) => s.op === 'ARG' && s.args.startsWith('NODE_IMAGE='));
    assert.equal(arg?.args, 'NODE_IMAGE=node:26-bookworm-slim');
    const froms = steps.filter((s) => s.op === 'FROM');
    assert.ok(froms.length >= 2, 'multi-stage: the build tools stay out of the runtime image');
    for (const f of froms) assert.match(f.args, /^\$\{NODE_IMAGE\}/);
  });

  test('installs from the lock file, builds, and drops the dev dependencies', () => {
    const runs = steps.filter((s) => s.op === 'RUN').map((s) => s.args);
    assert.ok(runs.some((r) => /npm ci\b/.test(r)));
    assert.ok(runs.some((r) => /npm run build/.test(r) && /npm prune --omit=dev/.test(r)));
  });

  test('runs as an unprivileged user that owns the data volume', () => {
    const users = runtime.filter((s) => s.op === 'USER');
    assert.equal(users.at(-1)?.args, 'node');
    assert.ok(runtime.some((s) => s.op === 'RUN' && /chown node:node \/data/.test(s.args)));
    assert.ok(runtime.some((s) => s.op === 'VOLUME' && s.args.includes('/data')));
    const env = runtime
      .filter((s) => s.op === 'ENV')
      .map((s) => s.args)
      .join(' ');
    assert.match(env, /BECKON_DATA_DIR=\/data/);
    assert.match(env, /HOST=0\.0\.0\.0/, 'reachable from outside the container');
  });

  test('checks liveness at /healthz and serves on port 3000', () => {
    const check = runtime.find((s) => s.op === 'HEALTHCHECK');
    assert.ok(check, 'a HEALTHCHECK');
    assert.match(check.args, /\/healthz/);
    assert.equal(runtime.find((s) => s.op === 'EXPOSE')?.args, '3000');
    assert.equal(
      runtime.find((s) => s.op === 'CMD')?.args,
      '["node", "packages/server/bin/beckon.js", "serve"]',
    );
  });

  test('the build context leaves out installed and local files', () => {
    const ignored = read('.dockerignore').split(/\r?\n/);
    for (const p of ['**/node_modules', 'data', '.git']) assert.ok(ignored.includes(p), p);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;
  const nodes = Object.entries(services).filter(([, s]) => s.image === 'beckon:local');

  test('two Beckon nodes from the same image share PostgreSQL, Redis and the attachments', () => {
    assert.equal(nodes.length, 2);
    for (const [name, s] of nodes) {
      assert.ok(s.build, `${name} builds the image`);
      assert.match(s.environment?.DATABASE_URL ?? '', /^postgres:\/\/.+@postgres:5432\//, name);
      assert.equal(s.environment?.REDIS_URL, 'redis://redis:6379', name);
      assert.equal(s.environment?.HOST, '0.0.0.0', name);
      assert.equal(s.environment?.BECKON_TRUST_PROXY, '1', name);
      assert.ok(s.volumes?.includes('beckon-data:/data'), `${name} shares the data volume`);
      assert.deepEqual(s.depends_on, {
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });

  test('PostgreSQL 16 and Redis 7 with health checks, commits synchronous', () => {
    assert.match(services.postgres?.image ?? '', /^postgres:16/);
    assert.match(String(services.postgres?.healthcheck?.test), /pg_isready/);
    assert.ok(services.postgres?.command?.includes('synchronous_commit=on'));
    assert.match(services.redis?.image ?? '', /^redis:7/);
    assert.match(String(services.redis?.healthcheck?.test), /ping/);
  });

  test('a load balancer in front sends work to ready nodes only, and waits for both', () => {
    const lb = services.caddy;
    assert.ok(lb, 'a load balancer service');
    assert.deepEqual(Object.keys(lb.depends_on ?? {}).sort(), nodes.map(([name]) => name).sort());
    const mount = lb.volumes?.find((v) => v.startsWith('./deploy/'));
    assert.ok(mount, 'its config file is mounted from deploy/');
    const file = mount.split(':')[0]!;
    assert.ok(existsSync(new URL(file, root)), `${file} exists`);
    const config = read(file);
    for (const [name] of nodes) assert.match(config, new RegExp(`${name}:3000`));
    assert.match(config, /health_uri \/readyz/);
    // Chat and the console reach any node: no cookie pinning, and the catch-all proxy balances.
    assert.doesNotMatch(config, /lb_policy cookie/);
    const catchAll = /\n\treverse_proxy beckon[^{]*\{([^}]*)\}/.exec(config);
    assert.ok(catchAll, 'a reverse_proxy for every path');
    assert.match(catchAll[1]!, /lb_policy least_conn/);
  });
});
