/**
 * The access-control matrix, generated from the OpenAPI document: every /api/v1 operation is called
 * unauthenticated, by another account (its session and its API key, with this account's real ids in
 * the path), and by each role below the one it requires. The required roles come from the routes
 * themselves (`x-beckon-roles`, written from each `requireRole` hook; `x-beckon-access` for the
 * rest), so a new operation is covered without anyone listing it, and one with no rule fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Role } from '@beckon/protocol/api';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import type { VisitorClient } from '@beckon/sdk/index';
import { hashPassword } from '../src/auth/passwords.ts';
import { eventually, visitor } from './engagement-fixtures.ts';
import { ApiClient, type ApiResponse } from './helpers/api-client.ts';
import { cookieFor, startVisitor } from './helpers/chat-fixtures.ts';
import { NO_RATE_LIMITS } from './helpers/no-rate-limits.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const ROLES: readonly Role[] = ['owner', 'admin', 'agent', 'analyst'];
const ACCESS = new Set(['public', 'signed-in', 'visitor', 'bot']);
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

interface Operation {
  method: string;
  path: string;
  roles?: Role[];
  access?: string;
  params: Array<{ name: string; in: string; schema?: { enum?: string[] } }>;
}

const random = (n: number) => `zz${n.toString(36)}${'q'.repeat(10)}`;

describe('access-control matrix from the OpenAPI document', { timeout: 120_000 }, () => {
  let srv: TestServer;
  let ops: Operation[];
  /** This account's users, one per role, with sessions. */
  const as: Partial<Record<Role, ApiClient>> = {};
  let ownKey: ApiClient;
  /** Another account: its owner's session and its API key. */
  let otherOwner: ApiClient;
  let otherKey: ApiClient;
  /** Real ids of this account's objects, by the path segment that names them (`sites`, `campaigns`…). */
  const ids = new Map<string, string>();
  /** Strings that must never appear in an answer to the other account. */
  const secrets = new Set<string>();
  let chat: VisitorChatClient;
  let tagVisitor: VisitorClient;

  const client = async (email: string) => {
    const s = await cookieFor(srv, email);
    const c = new ApiClient(srv.node.app);
    c.cookie = s.cookie;
    c.csrf = s.csrf;
    return c;
  };
  const keyClient = async (owner: ApiClient) => {
    const created = await owner.post('/api/v1/api-keys', { name: 'matrix' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const c = new ApiClient(srv.node.app);
    c.bearer = created.body.key;
    return c;
  };

  /** The operation's URL with its path parameters filled: this account's ids where known, else random ones. */
  const urlOf = (op: Operation, n: number) =>
    op.path.replace(/\{(\w+)\}/g, (_m, name: string, at: number) => {
      const param = op.params.find((p) => p.in === 'path' && p.name === name);
      if (param?.schema?.enum?.length) return param.schema.enum[0]!;
      if (name === 'seq') return '1';
      const segment = op.path.slice(0, at).split('/').filter(Boolean).pop()!;
      return encodeURIComponent((name === 'id' && ids.get(segment)) || random(n));
    });
  const call = (c: ApiClient | undefined, op: Operation, n: number, headers: Record<string, string> = {}) =>
    (c ?? new ApiClient(srv.node.app)).request(
      op.method,
      urlOf(op, n),
      op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
      headers,
    );
  const label = (op: Operation, res: ApiResponse) =>
    `${op.method} ${op.path} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`;

  before(async () => {
    srv = await startTestServer({ demo: true, store: 'sqlite', env: NO_RATE_LIMITS });
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    const passwordHash = await hashPassword('matrix-pw-1234');
    for (const role of ['admin', 'analyst'] as const) {
      await store.users.create(accountId, {
        email: `${role}@matrix.example`,
        name: role,
        role,
        passwordHash,
      });
    }
    as.owner = await client('admin@demo.beckon.local');
    as.admin = await client('admin@matrix.example');
    as.agent = await client('sales@demo.beckon.local');
    as.analyst = await client('analyst@matrix.example');
    for (const role of ROLES) assert.equal((await as[role]!.get('/api/v1/me')).body.user.role, role);
    ownKey = await keyClient(as.owner);

    const other = await store.accounts.create('Other Co');
    await store.sites.create(other.id, { name: 'Other shop' });
    await store.users.create(other.id, {
      email: 'owner@other.example',
      name: 'Other',
      role: 'owner',
      passwordHash,
    });
    otherOwner = await client('owner@other.example');
    otherKey = await keyClient(otherOwner);

    const doc = (await new ApiClient(srv.node.app).get('/api/openapi.json')).body;
    ops = [];
    for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        ops.push({
          method: method.toUpperCase(),
          path,
          roles: op['x-beckon-roles'] as Role[] | undefined,
          access: op['x-beckon-access'] as string | undefined,
          params: (op.parameters as Operation['params']) ?? [],
        });
      }
    }

    // A conversation of this account, so the conversation routes are probed with a real id.
    chat = await startVisitor(srv, {
      skillId: srv.demo!.skillIds.sales,
      visitorId: 'matrix-visitor-0001',
    });
    secrets.add(chat.conversation.id);
    tagVisitor = await visitor(srv, srv.demo!.siteKey, 'matrix-visitor-0001');
    await eventually(
      async () => (await as.owner!.get('/api/v1/visitors/matrix-visitor-0001')).status === 200,
    );
    ids.set('visitors', 'matrix-visitor-0001');

    // This account's ids, from its own lists, to put in the other account's requests.
    secrets.add(accountId);
    secrets.add(srv.demo!.siteKey);
    for (const op of ops) {
      if (op.method !== 'GET' || op.path.includes('{') || !op.roles?.includes('owner')) continue;
      const res = await as.owner.get(op.path);
      const items = res.status === 200 ? (res.body?.items ?? (Array.isArray(res.body) ? res.body : [])) : [];
      const segment = op.path.split('/').pop()!;
      for (const item of items as Array<{ id?: unknown; email?: unknown }>) {
        if (typeof item?.id === 'string' && item.id.length >= 8) {
          if (!ids.has(segment)) ids.set(segment, item.id);
          secrets.add(item.id);
        }
        if (typeof item?.email === 'string') secrets.add(item.email);
      }
    }
  });
  after(async () => {
    await chat?.close();
    await tagVisitor?.close();
    await srv?.close();
  });

  it('every operation declares who may call it', () => {
    assert.ok(ops.length > 150, `only ${ops.length} operations in the document`);
    const undeclared = ops.filter((op) => !op.roles?.length && !ACCESS.has(op.access ?? ''));
    assert.deepEqual(
      undeclared.map((op) => `${op.method} ${op.path}`),
      [],
      'guard the route with requireRole, or declare ...access(…) in its schema (web/route-access.ts)',
    );
    for (const op of ops.filter((o) => o.roles)) {
      for (const role of op.roles!) assert.ok(ROLES.includes(role), `${op.path}: unknown role ${role}`);
    }
    // The fill of path ids reaches the main resources with real ids of this account.
    for (const segment of ['sites', 'skills', 'users', 'campaigns', 'conversations', 'visitors'])
      assert.ok(ids.has(segment), `no ${segment} id to probe with`);
  });

  it('refuses every guarded operation without credentials or with a forged key', async () => {
    const failures: string[] = [];
    let n = 0;
    for (const op of ops) {
      if (op.access === 'public' || op.access === 'visitor') continue;
      const forged: Record<string, string>[] = [{}, { authorization: 'Bearer bk_forged0000000000000000' }];
      for (const headers of forged) {
        const res = await call(undefined, op, n++, headers);
        if (res.status !== 401 && res.status !== 403) failures.push(label(op, res));
      }
    }
    assert.deepEqual(failures, []);
  });

  it('refuses each role below the one an operation requires, and the API key where owners alone may act', async () => {
    const failures: string[] = [];
    let checked = 0;
    let n = 0;
    for (const op of ops) {
      if (!op.roles) continue;
      for (const role of ROLES.filter((r) => !op.roles!.includes(r))) {
        const res = await call(as[role], op, n++);
        checked++;
        if (res.status !== 403) failures.push(`${role}: ${label(op, res)}`);
      }
      // An API key acts as an admin of its account.
      if (!op.roles.includes('admin')) {
        const res = await call(ownKey, op, n++);
        checked++;
        if (res.status !== 403) failures.push(`api key: ${label(op, res)}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(checked > 100, `only ${checked} role probes`);
    for (const role of ROLES)
      assert.equal((await as[role]!.get('/api/v1/me')).status, 200, `${role} still signed in`);
  });

  it("never lets another account reach this account's objects, by session or by API key", async () => {
    const failures: string[] = [];
    let n = 0;
    for (const op of ops) {
      if (op.access === 'public' || op.access === 'visitor' || op.path === '/api/v1/auth/logout') continue;
      for (const [who, c] of [
        ['other owner', otherOwner],
        ['other key', otherKey],
      ] as const) {
        const res = await call(c, op, n++);
        const text = JSON.stringify(res.body ?? '');
        const leaked = [...secrets].filter((s) => text.includes(s));
        if (leaked.length) failures.push(`${who} saw ${leaked.slice(0, 3).join(', ')}: ${label(op, res)}`);
        if (res.status >= 500) failures.push(`${who}: ${label(op, res)}`);
        // An operation on one of this account's objects is refused as if the object did not exist.
        const onOurs = [...op.path.matchAll(/\{(\w+)\}/g)].some(([, name], i) => {
          const segment = op.path.split('/{')[i]!.split('/').pop()!;
          return name === 'id' && ids.has(segment);
        });
        if (onOurs && res.status < 400) failures.push(`${who}: ${label(op, res)}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.equal((await otherOwner.get('/api/v1/me')).status, 200, 'the other owner is still signed in');
    assert.equal((await otherKey.get('/api/v1/sites')).status, 200, 'the other key still works');
  });

  it('keeps the bot API to bot tokens, and sign-in-only routes to members', async () => {
    const failures: string[] = [];
    let n = 0;
    for (const op of ops.filter((o) => o.access === 'bot')) {
      for (const [who, c] of [
        ['owner session', as.owner],
        ['api key', ownKey],
      ] as const) {
        const res = await call(c, op, n++);
        if (res.status !== 401 && res.status !== 403) failures.push(`${who}: ${label(op, res)}`);
      }
    }
    for (const op of ops.filter((o) => o.access === 'visitor')) {
      // Without a site key or a visitor's token nothing is answered but a 4xx.
      const res = await call(undefined, op, n++);
      if (res.status < 400 || res.status >= 500) failures.push(`anonymous visitor: ${label(op, res)}`);
    }
    assert.deepEqual(failures, []);
  });
});
