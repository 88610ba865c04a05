// Segment counts over a large contact base (issue 47: "segment count over 1 M contacts under 1 s on
// SQLite and PostgreSQL"). Seeds one account with N contacts and a realistic spread of addresses,
// opt-ins, push devices, attributes, visits with a country and a score, purchases, and page views
// and carts in the event log; then times `store.segments.count` for a few typical filters (median
// of `timings` after one warm-up). The `broadcast` workload calls `measureSegmentCounts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createRng } from '../../packages/core/src/model/rng.ts';
import type { SegmentFilter } from '../../packages/protocol/src/segment-filter.ts';
import { rebuildContactFacts } from '../../packages/server/src/store/contact-facts.ts';
import type { Database } from '../../packages/server/src/store/schema.ts';
import { Store } from '../../packages/server/src/store/store.ts';
import { rebuildVisitorMarks } from '../../packages/server/src/store/visitor-marks.ts';
import { median, round } from './stats.ts';
import {
  type BulkColumn,
  type BulkWriter,
  postgresWriter,
  sqliteWriter,
} from './workloads/reports/bulk-writer.ts';
import { FRAMES, SESSIONS } from './workloads/reports/dataset-columns.ts';

const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const DAY = 86_400_000;

/** The filters timed: what a marketer builds first. */
export const TYPICAL_FILTERS: Record<string, SegmentFilter> = {
  email_seen_90d: {
    all: [
      { field: 'channel', op: 'contains', value: 'email' },
      { field: 'contact.lastSeen', op: 'within', value: 90 * 86_400 },
    ],
  },
  repeat_buyers_de: {
    all: [
      { field: 'purchases.count', op: 'gte', value: 2 },
      { field: 'country', op: 'equals', value: 'DE' },
    ],
  },
  pro_on_whatsapp: {
    all: [
      { field: 'attribute.plan', op: 'equals', value: 'pro' },
      { field: 'channel', op: 'contains', value: 'whatsapp' },
    ],
  },
  lapsed_big_spenders: {
    all: [
      { field: 'purchases.value', op: 'gte', value: 100 },
      { field: 'purchases.last', op: 'not_within', value: 180 * 86_400 },
    ],
  },
  high_score: { field: 'score', op: 'gte', value: 0.7 },
  cart_left_100: {
    all: [
      { field: 'cart.abandoned', op: 'gte', value: 100 },
      { field: 'channel', op: 'in', value: ['email', 'sms', 'whatsapp'] },
    ],
  },
  shoes_viewed_30d: { field: 'section.shoes', op: 'within', value: 30 * 86_400 },
};

export interface SegmentCountOptions {
  kind: 'sqlite' | 'postgres';
  contacts?: number;
  timings?: number;
  log?: (line: string) => void;
  /** Leave the SQLite file or the PostgreSQL schema behind (to look at query plans). */
  keep?: boolean;
  /**
   * Time the counts again on a store a run kept (its SQLite file or PostgreSQL schema), without
   * seeding it: the store is migrated first, so the same contacts are counted by newer code.
   */
  reuse?: string;
  /** The moment counts count back from (ms): a kept run's `now`, so both runs count the same contacts. */
  now?: number;
}

/** The result: each filter's count and median time, and the slowest of them. */
export interface SegmentCountFigures {
  contacts: number;
  /** The moment the counts counted back from (ms). */
  now: number;
  load_s: number;
  /** Filling the contacts' facts after the bulk load (what migration 0060 does on an upgrade). */
  facts_s: number;
  max_ms: number;
  filters: Record<string, { count: number; ms: number }>;
}

const col = (name: string, pgType: BulkColumn['pgType'] = 'text'): BulkColumn => ({ name, pgType });
const CONTACT = [
  col('id'),
  col('account_id'),
  col('name'),
  col('email'),
  col('phone'),
  col('external_id'),
  col('verified', 'integer'),
  col('attributes'),
  col('email_opt_out', 'integer'),
  col('sms_opt_out', 'integer'),
  col('merged_into'),
  col('created_at', 'bigint'),
  col('updated_at', 'bigint'),
  col('last_seen_at', 'bigint'),
];
const CONTACT_VISITOR = [
  col('site_id'),
  col('visitor_id'),
  col('account_id'),
  col('contact_id'),
  col('created_at', 'bigint'),
];
const CONSENT = [
  col('account_id'),
  col('contact_id'),
  col('channel'),
  col('source'),
  col('detail'),
  col('created_at', 'bigint'),
];
const PUSH = [
  col('site_id'),
  col('platform'),
  col('token'),
  col('account_id'),
  col('contact_id'),
  col('created_at', 'bigint'),
];
const CONVERSION = [
  col('id'),
  col('account_id'),
  col('site_id'),
  col('visitor_id'),
  col('session_id'),
  col('kind'),
  col('goal_name'),
  col('order_id'),
  col('dedupe_key'),
  col('revenue', 'double precision'),
  col('currency'),
  col('ts', 'bigint'),
  col('recorded_at', 'bigint'),
  col('sources'),
  col('unattributed', 'integer'),
];
/** A visit with where it came from (the reports' sessions predate geo). */
const SESSION = [...SESSIONS, col('country'), col('region'), col('city'), col('time_zone')];
const MODEL_SESSION = [
  col('id'),
  col('account_id'),
  col('site_id'),
  col('visitor_id'),
  col('started_at', 'bigint'),
  col('ended_at', 'bigint'),
  col('features'),
  col('purchased', 'integer'),
  col('revenue', 'double precision'),
  col('page_views', 'integer'),
  col('score', 'double precision'),
];

const COUNTRIES = ['DE', 'DE', 'DE', 'US', 'US', 'FR', 'GB', 'ES', 'IT', 'NL'];
const PLANS = ['free', 'free', 'free', 'pro', 'team'];

/** Writes `n` contacts of one account and site with their histories. */
async function seed(w: BulkWriter, accountId: string, siteId: string, n: number, now: number): Promise<void> {
  const r = createRng(47);
  const add = (t: string, c: BulkColumn[], row: (string | number | null)[]) => w.add(t, c, row);
  for (let i = 0; i < n; i++) {
    const id = `con_${i.toString(36).padStart(8, '0')}`;
    const visitor = `v${i}`;
    const created = now - Math.floor(r() * 730) * DAY;
    const lastSeen = Math.max(created, now - Math.floor(r() ** 2 * 730 * DAY));
    const email = r() < 0.7 ? `c${i}@example.com` : null;
    const phone = r() < 0.5 ? `+4917${String(i).padStart(8, '0')}` : null;
    const attributes = JSON.stringify({
      plan: PLANS[Math.floor(r() * PLANS.length)],
      seats: Math.floor(r() * 50),
    });
    await add('contacts', CONTACT, [
      id,
      accountId,
      `Contact ${i}`,
      email,
      phone,
      null,
      0,
      attributes,
      r() < 0.05 ? 1 : 0,
      r() < 0.03 ? 1 : 0,
      null,
      created,
      lastSeen,
      lastSeen,
    ]);
    await add('contact_visitors', CONTACT_VISITOR, [siteId, visitor, accountId, id, created]);
    if (phone && r() < 0.4)
      await add('contact_consents', CONSENT, [accountId, id, 'whatsapp', 'api', null, created]);
    if (phone && r() < 0.3)
      await add('contact_consents', CONSENT, [accountId, id, 'sms', 'api', null, created]);
    if (r() < 0.1) await add('push_devices', PUSH, [siteId, 'fcm', `tok${i}`, accountId, id, created]);
    const sessionId = `s${i}`;
    await add('visitor_sessions', SESSION, [
      sessionId,
      accountId,
      siteId,
      visitor,
      0,
      'desktop',
      null,
      null,
      null,
      null,
      3,
      lastSeen,
      lastSeen,
      r() < 0.9 ? COUNTRIES[Math.floor(r() * COUNTRIES.length)]! : null,
      null,
      null,
      null,
    ]);
    if (r() < 0.5)
      await add('model_sessions', MODEL_SESSION, [
        sessionId,
        accountId,
        siteId,
        visitor,
        lastSeen,
        lastSeen,
        '[]',
        0,
        0,
        3,
        Math.round(r() * 1000) / 1000,
      ]);
    const purchases = r() < 0.3 ? 1 + Math.floor(r() * 3) : 0;
    for (let k = 0; k < purchases; k++) {
      const ts = now - Math.floor(r() * 365 * DAY);
      const order = `o${i}_${k}`;
      await add('conversions', CONVERSION, [
        `cv${i}_${k}`,
        accountId,
        siteId,
        visitor,
        sessionId,
        'purchase',
        null,
        order,
        `order:${order}`,
        Math.round(r() * 20_000) / 100,
        'EUR',
        ts,
        ts,
        'tag',
        0,
      ]);
    }
    // One contact in ten has recent page views or a cart in the event log.
    if (r() < 0.1) {
      const ts = now - Math.floor(r() * 60 * DAY);
      const events =
        r() < 0.5
          ? [
              {
                type: 'page_view',
                url: 'https://shop.example/p',
                sections: [r() < 0.5 ? 'shoes' : 'bags'],
                ts,
              },
            ]
          : [
              {
                type: 'attr',
                attrType: 'cart',
                value: { items: [], total: Math.round(r() * 300), currency: 'EUR' },
                ts,
              },
            ];
      await add('event_frames', FRAMES, [
        accountId,
        siteId,
        visitor,
        sessionId,
        `b${i}`,
        ts,
        1,
        JSON.stringify({ type: 'batch', events }),
      ]);
    }
    // Contacts are written before the rows that refer to them (the writer flushes tables in first-use order).
    if (i % 10_000 === 9_999) await w.flush();
  }
  await w.flush();
}

/** Seeds a fresh store of `kind` (or opens a kept one: `reuse`), then times each typical filter's count. */
export async function measureSegmentCounts(opts: SegmentCountOptions): Promise<SegmentCountFigures> {
  const n = opts.contacts ?? 1_000_000;
  const log = opts.log ?? (() => {});
  if (opts.reuse !== undefined) return measureKept(opts, opts.reuse, log);
  const dir = mkdtempSync(join(tmpdir(), 'beckon-bench-segments-'));
  const file = join(dir, 'beckon.db');
  const schema = `bench_segments_${Date.now().toString(36)}`;
  const storeOpts = opts.kind === 'sqlite' ? { sqlitePath: file } : { databaseUrl: PG_URL, pgSchema: schema };
  const now = opts.now ?? Date.now();
  let store = await Store.open(storeOpts);
  try {
    await store.migrate();
    const account = await store.accounts.create('Segments bench');
    const site = await store.sites.create(account.id, { name: 'Shop', allowedOrigins: [], timeZone: 'UTC' });
    await store.close();
    let started = performance.now();
    const writer = opts.kind === 'sqlite' ? sqliteWriter(file) : await postgresWriter(PG_URL, schema);
    await seed(writer, account.id, site.id, n, now);
    await writer.close();
    if (opts.kind === 'postgres') await analyze(schema);
    const loadS = (performance.now() - started) / 1000;
    log(`${opts.kind}: ${n} contacts loaded in ${loadS.toFixed(1)} s`);
    store = await Store.open(storeOpts);
    // The bulk load bypasses the writes that keep each contact's facts: fill them as migration 0060 does.
    started = performance.now();
    await fillFacts(opts.kind === 'postgres' ? schema : undefined, store, account.id);
    if (opts.kind === 'postgres') await analyze(schema);
    const factsS = (performance.now() - started) / 1000;
    log(`${opts.kind}: contact facts and visitor marks filled in ${factsS.toFixed(1)} s (now ${now})`);
    const filters = await timeFilters(store, account.id, now, opts, log);
    return { contacts: n, now, load_s: round(loadS), facts_s: round(factsS), ...filters };
  } finally {
    await store.close().catch(() => {});
    if (opts.keep) log(`${opts.kind}: kept ${opts.kind === 'sqlite' ? file : schema} (now ${now})`);
    else {
      rmSync(dir, { recursive: true, force: true });
      if (opts.kind === 'postgres') await dropSchema(schema);
    }
  }
}

/** Times each typical filter's count: one warm-up, then the median of `timings`. */
async function timeFilters(
  store: Store,
  accountId: string,
  now: number,
  opts: SegmentCountOptions,
  log: (line: string) => void,
): Promise<Pick<SegmentCountFigures, 'max_ms' | 'filters'>> {
  const filters: SegmentCountFigures['filters'] = {};
  for (const [name, filter] of Object.entries(TYPICAL_FILTERS)) {
    let count = await store.segments.count(accountId, filter, now);
    const times: number[] = [];
    for (let i = 0; i < (opts.timings ?? 3); i++) {
      const started = performance.now();
      count = await store.segments.count(accountId, filter, now);
      times.push(performance.now() - started);
    }
    filters[name] = { count, ms: round(median(times)) };
    log(`${opts.kind}: ${name} → ${count} contacts in ${filters[name].ms} ms`);
  }
  return { max_ms: Math.max(...Object.values(filters).map((f) => f.ms)), filters };
}

/** Times the counts on a kept store, migrated to this code first (and analyzed again on PostgreSQL). */
async function measureKept(
  opts: SegmentCountOptions,
  kept: string,
  log: (line: string) => void,
): Promise<SegmentCountFigures> {
  const store = await Store.open(
    opts.kind === 'sqlite' ? { sqlitePath: kept } : { databaseUrl: PG_URL, pgSchema: kept },
  );
  try {
    await store.migrate();
    if (opts.kind === 'postgres') await analyze(kept);
    const account = await store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    const contacts = await store.db
      .selectFrom('contacts')
      .select((e) => e.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    const now = opts.now ?? Date.now();
    const filters = await timeFilters(store, account.id, now, opts, log);
    return { contacts: Number(contacts.n), now, load_s: 0, facts_s: 0, ...filters };
  } finally {
    await store.close().catch(() => {});
  }
}

/**
 * Fills the facts and marks of the bulk-loaded contacts. On PostgreSQL through a connection of its
 * own: the node's 60 s limit on one statement cut the fill of a million contacts on a loaded machine.
 */
async function fillFacts(schema: string | undefined, store: Store, accountId: string): Promise<void> {
  if (schema === undefined) {
    await rebuildVisitorMarks(store.db, accountId);
    await rebuildContactFacts(store.db, accountId);
    return;
  }
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await rebuildVisitorMarks(db, accountId);
    await rebuildContactFacts(db, accountId);
  } finally {
    await db.destroy();
  }
}

/**
 * What autovacuum does after a bulk load: planner statistics, and the map of pages all visible
 * (without it an index-only read of a contact's opt-ins or facts also reads the table).
 */
async function analyze(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  await c.query('VACUUM ANALYZE');
  await c.end();
}

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
}

// `node --import tsx bench/src/segment-count.ts [contacts] [sqlite,postgres]`: prints one JSON line per store.
// `SEGMENT_BENCH_KEEP=1` keeps the stores; `SEGMENT_BENCH_REUSE=<file or schema>` with one store
// kind and `SEGMENT_BENCH_NOW=<the kept run's now>` times a kept store again.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const contacts = Number(process.argv[2] ?? 1_000_000);
  const now = process.env.SEGMENT_BENCH_NOW ? Number(process.env.SEGMENT_BENCH_NOW) : undefined;
  for (const kind of (process.argv[3] ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[]) {
    const figures = await measureSegmentCounts({
      kind,
      contacts,
      log: (line) => process.stderr.write(`${line}\n`),
      keep: process.env.SEGMENT_BENCH_KEEP === '1',
      reuse: process.env.SEGMENT_BENCH_REUSE || undefined,
      now,
    });
    process.stdout.write(`${JSON.stringify({ kind, ...figures })}\n`);
  }
}
