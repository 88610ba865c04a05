import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../src/auth/passwords.ts';
import { attachmentKey, LocalDiskStorage } from '../src/conversations/attachments/attachment-storage.ts';
import { newId } from '../src/ids.ts';
import { RetentionJob } from '../src/retention/retention-job.ts';
import { DEFAULT_RETENTION } from '../src/retention/retention-policy.ts';
import { retentionSteps, sweepAccount } from '../src/retention/retention-sweeper.ts';
import type { Store } from '../src/store/store.ts';
import { ApiClient } from './helpers/api-client.ts';
import { cookieFor } from './helpers/chat-fixtures.ts';
import { postgresSkipReason } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const DAY = 86_400_000;
/** The simulated clock: "now" for every sweep below. */
const NOW = Date.UTC(2027, 5, 1);
const OLD = NOW - 800 * DAY; // past every default limit
const RECENT = NOW - 10 * DAY; // within every limit

/** An account with one site, holding old and recent rows of every kind, and files for its attachments. */
async function seed(store: Store, dataDir: string, oldEvents: number) {
  const account = await store.accounts.create(`Retention ${newId('t')}`);
  const accountId = account.id;
  const site = await store.sites.create(accountId, { name: 'Shop' } as never);
  const siteId = (site as { id: string }).id;
  const files = new LocalDiskStorage(dataDir);
  const { db } = store;
  const event = (ts: number, i: number) => ({
    account_id: accountId,
    site_id: siteId,
    visitor_id: 'v_old',
    session_id: 's_old',
    batch_id: `b_${ts}_${i}`,
    seq: 0,
    type: 'event',
    name: 'clicked',
    payload: '{}',
    ts,
  });
  const frame = (ts: number, i: number) => ({
    account_id: accountId,
    site_id: siteId,
    visitor_id: 'v_old',
    session_id: 's_old',
    batch_id: `b_${ts}_${i}`,
    ts,
    event_count: 1,
    frame: '{"events":[]}',
  });
  for (let i = 0; i < oldEvents; i += 500) {
    const n = Math.min(500, oldEvents - i);
    await db
      .insertInto('events')
      .values(Array.from({ length: n }, (_, k) => event(OLD, i + k)))
      .execute();
    await db
      .insertInto('event_frames')
      .values(Array.from({ length: n }, (_, k) => frame(OLD, i + k)))
      .execute();
  }
  await db
    .insertInto('events')
    .values([event(RECENT, 0), event(RECENT, 1)])
    .execute();
  await db
    .insertInto('event_frames')
    .values([frame(RECENT, 0)])
    .execute();
  const session = (id: string, at: number) => ({
    id,
    account_id: accountId,
    site_id: siteId,
    visitor_id: id,
    returning: 0,
    device: 'desktop',
    landing_url: null,
    referrer: null,
    channel: null,
    source: null,
    page_views: 1,
    started_at: at,
    last_event_at: at,
  });
  await db
    .insertInto('visitor_sessions')
    .values([session(`${accountId}_s_old`, OLD), session(`${accountId}_s_new`, RECENT)])
    .execute();
  const visitor = (id: string, at: number) => ({
    site_id: siteId,
    id,
    account_id: accountId,
    first_seen_at: at,
    last_seen_at: at,
    session_count: 1,
    device: 'desktop',
    state: '{}',
  });
  await db
    .insertInto('visitors')
    .values([visitor('v_old', OLD), visitor('v_new', RECENT)])
    .execute();
  const conversation = (id: string, closedAt: number) => ({
    id,
    account_id: accountId,
    source: 'visitor',
    status: 'closed',
    enqueued_at: closedAt - 60_000,
    skill_entered_at: closedAt - 60_000,
    closed_at: closedAt,
    visitor_name: 'Ada Lovelace',
    visitor_email: 'ada@example.com',
    visitor_token_hash: newId('h'),
    created_at: closedAt - 60_000,
    updated_at: closedAt,
  });
  const oldConv = newId('conv');
  const newConv = newId('conv');
  await db
    .insertInto('conversations')
    .values([conversation(oldConv, OLD), conversation(newConv, RECENT)] as never)
    .execute();
  const message = (conversationId: string, seq: number, at: number) => ({
    conversation_id: conversationId,
    seq,
    account_id: accountId,
    sender_kind: 'visitor' as const,
    sender_id: 'visitor',
    sender_name: null,
    echo_id: null,
    body: `line ${seq}`,
    attachments: null,
    created_at: at,
  });
  await db
    .insertInto(store.caps.messageTable)
    .values([message(oldConv, 1, OLD), message(oldConv, 2, OLD), message(newConv, 1, RECENT)])
    .execute();
  const attachment = async (conversationId: string, at: number) => {
    const id = newId('att');
    const key = attachmentKey(accountId, id);
    await files.put(key, Buffer.from(`bytes of ${id}`));
    await db
      .insertInto('attachments')
      .values({
        id,
        account_id: accountId,
        conversation_id: conversationId,
        side: 'visitor',
        uploaded_by: null,
        name: 'receipt.pdf',
        content_type: 'application/pdf',
        size: 12,
        storage_key: key,
        message_seq: 1,
        created_at: at,
      })
      .execute();
    return `${dataDir}/attachments/${key}`;
  };
  const fileInOldConversation = await attachment(oldConv, OLD);
  // uploaded 400 days ago into a conversation closed recently: past the attachments limit only
  const oldFileInNewConversation = await attachment(newConv, NOW - 400 * DAY);
  const recentFile = await attachment(newConv, RECENT);
  await store.audit.append([
    { id: newId('aud'), account_id: accountId, at: OLD, actor_type: 'system', action: 'old.thing' },
    { id: newId('aud'), account_id: accountId, at: RECENT, actor_type: 'system', action: 'new.thing' },
  ] as never);
  return { accountId, oldConv, newConv, fileInOldConversation, oldFileInNewConversation, recentFile };
}

const count = async (
  store: Store,
  table: 'events' | 'event_frames' | 'visitor_sessions' | 'visitors' | 'audit_log' | 'attachments',
  accountId: string,
) =>
  Number(
    (
      await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow()
    ).n,
  );

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`retention on ${kind}`, () => {
    let srv: TestServer | undefined;
    let skip: string | null = null;
    before(async () => {
      skip = kind === 'postgres' ? await postgresSkipReason() : null;
      if (!skip) srv = await startTestServer({ store: kind, env: { BECKON_RETENTION: '0' } });
    });
    after(() => srv?.close());

    it('deletes rows past each limit in batches, keeps newer ones, and removes their files', async (t) => {
      if (skip) return t.skip(skip);
      const { store } = srv!.node.ctx;
      const s = await seed(store, srv!.dataDir, 2_500);
      // Assist's summaries quote the customer: they go with the conversation's lines.
      for (const id of [s.oldConv, s.newConv])
        await store.summaries.put(s.accountId, id, `Ada asked about ${id}`, 'extract');
      const steps = retentionSteps(store, new LocalDiskStorage(srv!.dataDir), srv!.node.ctx.logger);
      const report = await sweepAccount(store, steps, s.accountId, NOW, { batch: 1000, budgetMs: 600_000 });

      assert.equal(report.deleted.events, 2_500);
      assert.equal(report.deleted.event_frames, 2_500);
      assert.ok(
        report.batches >= 6,
        `2,500 rows in batches of 1,000 take 3 each for events and frames (${report.batches})`,
      );
      assert.equal(report.unfinished, false);
      assert.equal(await count(store, 'events', s.accountId), 2, 'recent events kept');
      assert.equal(await count(store, 'event_frames', s.accountId), 1);
      assert.equal(await count(store, 'visitor_sessions', s.accountId), 1);
      assert.equal(await count(store, 'visitors', s.accountId), 1);
      const lines = await store.db
        .selectFrom('messages')
        .select(['conversation_id'])
        .where('account_id', '=', s.accountId)
        .execute();
      assert.deepEqual(
        lines.map((l) => l.conversation_id),
        [s.newConv],
        'only the recent conversation keeps its lines',
      );
      const summaries = await store.db
        .selectFrom('conversation_summaries')
        .select('conversation_id')
        .where('account_id', '=', s.accountId)
        .execute();
      assert.deepEqual(
        summaries.map((r) => r.conversation_id),
        [s.newConv],
        'and its summary',
      );
      const convs = await store.db
        .selectFrom('conversations')
        .select(['id', 'visitor_email', 'visitor_name'])
        .where('account_id', '=', s.accountId)
        .execute();
      assert.equal(convs.length, 2, 'conversation rows stay, for the reports');
      const old = convs.find((c) => c.id === s.oldConv)!;
      assert.equal(old.visitor_email, null);
      assert.equal(old.visitor_name, null);
      assert.equal(convs.find((c) => c.id === s.newConv)!.visitor_email, 'ada@example.com');
      assert.equal(existsSync(s.fileInOldConversation), false, 'a closed old conversation’s file is gone');
      assert.equal(
        existsSync(s.oldFileInNewConversation),
        false,
        'a file past the attachments limit is gone',
      );
      assert.equal(existsSync(s.recentFile), true, 'a recent file stays');
      assert.equal(await count(store, 'attachments', s.accountId), 1);
      const audit = await store.db
        .selectFrom('audit_log')
        .select('action')
        .where('account_id', '=', s.accountId)
        .execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['new.thing'],
      );
    });

    it('keeps everything of a kind set to forever, and applies a shorter limit', async (t) => {
      if (skip) return t.skip(skip);
      const { store } = srv!.node.ctx;
      const s = await seed(store, srv!.dataDir, 10);
      await store.retention.setPolicy(s.accountId, { events: 0, audit: 0, visits: 5 });
      const steps = retentionSteps(store, new LocalDiskStorage(srv!.dataDir), srv!.node.ctx.logger);
      await sweepAccount(store, steps, s.accountId, NOW, { batch: 1000, budgetMs: 600_000 });
      assert.equal(await count(store, 'events', s.accountId), 12);
      assert.equal(await count(store, 'audit_log', s.accountId), 2);
      assert.equal(
        await count(store, 'visitor_sessions', s.accountId),
        0,
        'a 5-day limit takes the 10-day-old visit too',
      );
    });

    it('runs as a leased job that sweeps each account and schedules its next turn', async (t) => {
      if (skip) return t.skip(skip);
      const { store, audit, logger } = srv!.node.ctx;
      const s = await seed(store, srv!.dataDir, 30);
      const job = new RetentionJob(store, new LocalDiskStorage(srv!.dataDir), audit, logger, {
        everyMs: DAY,
        pollMs: 50,
        batch: 7,
        budgetMs: 600_000,
        clock: () => NOW,
      });
      job.start();
      try {
        for (let i = 0; i < 400 && (await count(store, 'events', s.accountId)) > 2; i++)
          await new Promise((r) => setTimeout(r, 25));
        assert.equal(await count(store, 'events', s.accountId), 2);
        let sweep = await store.retention.sweepOf(s.accountId);
        for (let i = 0; i < 200 && sweep.nextAt !== NOW + DAY; i++) {
          await new Promise((r) => setTimeout(r, 25));
          sweep = await store.retention.sweepOf(s.accountId);
        }
        assert.equal(sweep.nextAt, NOW + DAY, 'the next sweep is a day later');
        const swept = await store.audit.list(s.accountId, { action: 'retention.swept', limit: 5 });
        assert.equal(swept.length, 1, 'the sweep is in the audit log');
        assert.equal(swept[0]!.actor_type, 'system');
      } finally {
        await job.stop();
      }
    });
  });
}

describe('retention settings', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true, env: { BECKON_RETENTION: '0' } });
  });
  after(() => srv.close());

  const as = async (email: string) => {
    const s = await cookieFor(srv, email);
    const api = new ApiClient(srv.node.app);
    api.cookie = s.cookie;
    api.csrf = s.csrf;
    return api;
  };

  it('answers the defaults, lets an owner change some kinds, and refuses bad values', async () => {
    const owner = await as('admin@demo.beckon.local');
    const first = await owner.get('/api/v1/account/retention');
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.policy, DEFAULT_RETENTION);
    assert.deepEqual(first.body.defaults, DEFAULT_RETENTION);
    const put = await owner.request('PUT', '/api/v1/account/retention', { events: 30, recordings: 0 });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.policy, { ...DEFAULT_RETENTION, events: 30, recordings: 0 });
    for (const bad of [{ events: -1 }, { events: 1.5 }, { events: 'forever' }, { nonsense: 3 }]) {
      const r = await owner.request('PUT', '/api/v1/account/retention', bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
    }
    assert.equal((await owner.get('/api/v1/account/retention')).body.policy.events, 30);
  });

  it('is read by admins, changed by owners only, and never reaches another account', async () => {
    const agent = await as('sales@demo.beckon.local');
    assert.equal((await agent.get('/api/v1/account/retention')).status, 403);
    assert.equal((await agent.request('PUT', '/api/v1/account/retention', { events: 1 })).status, 403);
    const { store } = srv.node.ctx;
    const other = await store.accounts.create('Other');
    await store.users.create(other.id, {
      email: 'boss@other.example',
      name: 'Boss',
      role: 'owner',
      passwordHash: await hashPassword('boss-password'),
    });
    const stranger = await as('boss@other.example');
    await stranger.request('PUT', '/api/v1/account/retention', { events: 1 });
    const owner = await as('admin@demo.beckon.local');
    assert.notEqual((await owner.get('/api/v1/account/retention')).body.policy.events, 1);
  });
});
