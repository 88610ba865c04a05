import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { sqliteFile } from '../src/store/data-dir.ts';
import { isSecretSetting, SEALED_COLUMNS, SECRET_SETTINGS } from '../src/store/secret-box.ts';
import { ApiClient, type ApiResponse } from './helpers/api-client.ts';
import { dataDirBytes } from './helpers/data-dir-bytes.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

/** A column whose name says it holds a secret. */
const SECRET_LIKE = /secret|token|key|password|credential/i;

/**
 * Columns whose names say secret but that hold none, or nothing a copy of the database could
 * use: each with the reason it was let be. A new secret-like column must be sealed
 * (`SEALED_COLUMNS`), hashed (`…_hash`), or added here with its reason.
 */
const REVIEWED: Record<string, string> = {
  'sites.site_key': 'public: every page with the tag carries it',
  'settings.key': "a setting's name; the secret ones' values are sealed (SECRET_SETTINGS)",
  'auth_sessions.csrf_token': 'useless without the session cookie, which is stored only as its hash (the id)',
  'conversions.dedupe_key': 'an order id, kept so a retried order counts once',
  'attachments.storage_key': 'a file name in the data dir; files are served only after an access check',
  'call_recordings.storage_key': 'a file name in the data dir; files are served only after an access check',
  'email_threads.token': 'the reply address of a thread, sent in the clear in every mail of it',
  'outbox.idempotency_key': 'sent to the provider with each try so a retry is not sent twice',
  'outbox.claim_token': "a worker's lease on a row, not a credential",
  'webhook_deliveries.claim_token': "a worker's lease on a row, not a credential",
  'automation_events.claim_token': "a worker's lease on a row, not a credential",
  'retention_sweeps.claim_token': "a worker's lease on a row, not a credential",
  'sla_sweeps.claim_token': "a worker's lease on a row, not a credential",
  'broadcast_jobs.claim_token': "a worker's lease on a row, not a credential",
  'scheduled_messages.claim_token': "a worker's lease on a row, not a credential",
  'push_devices.token':
    "a device's address at FCM or APNs; sending needs the push credentials, which are sealed",
  'bots.token_prefix': "the token's first characters, shown to tell tokens apart",
  'webhook_endpoints.previous_secret_until': 'a time, when the previous secret stops being accepted',
};

const sealed = new Set(SEALED_COLUMNS.flatMap((t) => t.columns.map((c) => `${t.table}.${c}`)));
const verdict = (column: string): string | null =>
  sealed.has(column) ? 'sealed' : /_hash$/.test(column) ? 'hashed' : (REVIEWED[column] ?? null);

/** `table.column` of every secret-like column of a migrated SQLite file. */
function sqliteColumns(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .all() as Array<{ name: string }>;
    return tables.flatMap(({ name }) =>
      (db.prepare(`pragma table_info("${name}")`).all() as Array<{ name: string }>).map(
        (c) => `${name}.${c.name}`,
      ),
    );
  } finally {
    db.close();
  }
}

/** A private key as its PEM text (PKCS #8), for the FCM service account and the APNs key. */
const pem = (type: 'rsa' | 'ec') =>
  (type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  ).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
/** A line from the middle of a PEM: what would show if the key were stored in clear, JSON-escaped or not. */
const pemLine = (text: string) => text.split('\n')[2]!;

/**
 * Sets every kind of secret through the HTTP API, as an admin would, and answers each plain value
 * the store must not hold in clear (sealed ones, and those stored only as hashes).
 */
async function setEverySecret(srv: TestServer): Promise<Record<string, string>> {
  const api = new ApiClient(srv.node.app);
  const login = await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const ok = async (res: Promise<ApiResponse>, status = 200) => {
    const r = await res;
    assert.equal(r.status, status, JSON.stringify(r.body));
    return r.body;
  };
  const siteId = srv.demo!.siteId;
  const out: Record<string, string> = {
    'users.password': DEMO_ADMIN.password,
    'auth_sessions.token': decodeURIComponent(api.cookie!.split('=')[1]!),
  };

  out['channel_connections.config accessToken'] = 'EAAG-whatsapp-token-known-to-this-test';
  out['channel_connections.config appSecret'] = 'meta-app-secret-known-to-this-test';
  await ok(
    api.post('/api/v1/channels', {
      type: 'whatsapp',
      name: 'Support line',
      phoneNumberId: '1098765',
      accessToken: out['channel_connections.config accessToken'],
      appSecret: out['channel_connections.config appSecret'],
      verifyToken: 'verify-token-known-to-this-test',
      apiBaseUrl: 'http://127.0.0.1:9',
    }),
    201,
  );

  const fcmKey = pem('rsa');
  const apnsKey = pem('ec');
  out['site_push_settings.fcm_service_account'] = pemLine(fcmKey);
  out['site_push_settings.apns'] = pemLine(apnsKey);
  out['site_push_settings.webhook_secret'] = 'push-webhook-secret-known-to-this-test';
  await ok(
    api.request('PUT', `/api/v1/sites/${siteId}/push`, {
      fcm: {
        serviceAccount: JSON.stringify({
          type: 'service_account',
          project_id: 'beckon-test',
          private_key: fcmKey,
          client_email: 'push@beckon-test.iam.gserviceaccount.com',
          token_uri: 'http://127.0.0.1:9/token',
        }),
      },
      apns: {
        key: apnsKey,
        keyId: 'ABC123DEFG',
        teamId: 'TEAM123456',
        bundleId: 'com.example.app',
        environment: 'sandbox',
      },
      webhook: { url: 'http://127.0.0.1:9/push', secret: out['site_push_settings.webhook_secret'] },
    }),
  );

  out['commerce_receivers.secret'] = 'shopify-client-secret-known-to-this-test';
  await ok(
    api.post('/api/v1/commerce-receivers', {
      siteId,
      platform: 'shopify',
      secret: out['commerce_receivers.secret'],
    }),
    201,
  );

  const hook = await ok(
    api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['contact.updated'] }),
    201,
  );
  out['webhook_endpoints.previous_secret'] = hook.secret;
  const rotated = await ok(api.post(`/api/v1/webhooks/${hook.id}/rotate`));
  out['webhook_endpoints.secret'] = rotated.secret;
  assert.notEqual(rotated.secret, hook.secret);

  out['user_totp.secret'] = (await ok(api.post('/api/v1/me/totp/setup'))).secret;

  out['sso_configs.client_secret'] = 'oidc-client-secret-known-to-this-test';
  await ok(
    api.request('PUT', '/api/v1/account/sso', {
      issuer: 'https://login.secret.example',
      clientId: 'beckon',
      clientSecret: out['sso_configs.client_secret'],
      domains: ['secret.example'],
    }),
  );

  const bot = await ok(api.post('/api/v1/bots', { name: 'Helper', kind: 'socket' }), 201);
  out['bots.secret'] = bot.secret;
  out['bots.token'] = bot.token;

  out['answer_generation.api_key'] = 'sk-model-key-known-to-this-test';
  await ok(
    api.request('PUT', '/api/v1/knowledge/generation', {
      enabled: false,
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'local',
      apiKey: out['answer_generation.api_key'],
    }),
  );

  out['assist_settings.api_key'] = 'sk-assist-key-known-to-this-test';
  out['assist_settings.translation_api_key'] = 'libretranslate-key-known-to-this-test';
  await ok(
    api.request('PUT', '/api/v1/assist', {
      enabled: false,
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'local',
      apiKey: out['assist_settings.api_key'],
      translation: {
        provider: 'libretranslate',
        baseUrl: 'http://127.0.0.1:9',
        apiKey: out['assist_settings.translation_api_key'],
      },
    }),
  );

  out['sites.identity_secret'] = (await ok(api.get(`/api/v1/sites/${siteId}/identity`))).secret;
  out['settings.value email.inbound_secret'] = (await ok(api.get('/api/v1/channels/email'))).inbound.secret;
  out['api_keys.key'] = (await ok(api.post('/api/v1/api-keys', { name: 'CI' }), 201)).key;
  out['phone_trunks.password'] = 'sip-trunk-password-known-to-this-test';
  await ok(
    api.post('/api/v1/phone/trunks', {
      name: 'Carrier',
      host: '127.0.0.1',
      port: 9,
      username: 'acct-1',
      password: out['phone_trunks.password'],
    }),
    201,
  );

  // The installation's own keys, made at start: read back through the node's store.
  for (const name of SECRET_SETTINGS.filter((s) => !s.endsWith('.'))) {
    const value = await srv.node.ctx.store.settings.get(name);
    if (value) out[`settings.value ${name}`] = value;
  }
  for (const [what, value] of Object.entries(out)) assert.ok(value && value.length >= 8, `${what} was set`);
  return out;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`secret-like columns on ${kind}`, () => {
    const skip = kind === 'postgres' ? PG_SKIP : null;
    let srv: TestServer;
    let raw: pg.Client | undefined;
    let schema = '';
    /** Every log line the node wrote, at trace level: no secret may be in one. */
    const logLines: string[] = [];

    before(async () => {
      if (skip) return;
      // The webhook below points at a closed port of this machine.
      srv = await startTestServer({
        demo: true,
        store: kind,
        env: { BECKON_WEBHOOKS_ALLOW_PRIVATE: '1' },
        logs: { write: (line) => logLines.push(line) },
      });
      if (kind === 'postgres') {
        schema = String(
          (await sql<{ s: string }>`select current_schema() as s`.execute(srv.node.ctx.store.db)).rows[0]!.s,
        );
        raw = new pg.Client({ connectionString: srv.databaseUrl });
        await raw.connect();
      }
    });
    after(async () => {
      await raw?.end();
      await srv?.close();
    });

    /** `table.column` of every column of the migrated schema, read from the database itself. */
    const columns = async (): Promise<string[]> => {
      if (kind === 'sqlite') return sqliteColumns(sqliteFile(srv.dataDir));
      const r = await raw!.query<{ t: string; c: string }>(
        'select table_name as t, column_name as c from information_schema.columns where table_schema = $1',
        [schema],
      );
      return r.rows.map((x) => `${x.t}.${x.c}`);
    };

    it('seals, hashes or has a reviewed reason for every column whose name says secret', {
      skip: skip ?? false,
    }, async () => {
      const all = await columns();
      assert.ok(all.length > 100, `the schema is read (${all.length} columns)`);
      const secretLike = all.filter((c) => SECRET_LIKE.test(c.split('.')[1]!));
      const unreviewed = secretLike.filter((c) => verdict(c) === null);
      assert.deepEqual(
        unreviewed,
        [],
        'seal these (SEALED_COLUMNS), store a hash, or give a reason in REVIEWED',
      );
      for (const c of [...sealed, ...Object.keys(REVIEWED)])
        assert.ok(all.includes(c), `${c} is listed but the schema has no such column`);
    });

    it('holds no secret set through the API in clear, in any row, byte or log line', {
      skip: skip ?? false,
    }, async () => {
      const secrets = await setEverySecret(srv);
      let dump: string;
      if (kind === 'sqlite') {
        dump = dataDirBytes(srv.dataDir);
      } else {
        const tables = await raw!.query<{ t: string }>(
          "select table_name as t from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'",
          [schema],
        );
        const rows: string[] = [];
        for (const { t } of tables.rows)
          for (const r of (
            await raw!.query<{ row: string }>(`select x::text as row from "${schema}"."${t}" x`)
          ).rows)
            rows.push(r.row);
        dump = rows.join('\n');
      }
      const found = Object.entries(secrets)
        .filter(([, v]) => dump.includes(v))
        .map(([what]) => what);
      assert.deepEqual(found, [], 'in clear in the store');
      assert.ok(logLines.length > 0, 'the node logged');
      const logged = Object.entries(secrets)
        .filter(([, v]) => logLines.some((line) => line.includes(v)))
        .map(([what]) => what);
      assert.deepEqual(logged, [], 'in clear in a log line');

      // Every value of a sealed column is sealed, read straight from the database.
      for (const { table, key, columns: cols, ...rest } of SEALED_COLUMNS) {
        const rows = (
          await sql.raw(`select ${[key, ...cols].join(', ')} from ${table}`).execute(srv.node.ctx.store.db)
        ).rows as Array<Record<string, string | null>>;
        for (const r of rows)
          for (const c of cols) {
            if ('only' in rest && !isSecretSetting(String(r[key]))) continue;
            if (r[c] !== null)
              assert.match(String(r[c]), /^enc:v1:[0-9a-f]{8}:/, `${table}.${c} of ${r[key]}`);
          }
      }
    });
  });
}
