import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { createNode } from '../src/node.ts';
import { SecretBox } from '../src/store/secret-box.ts';
import { KEY_CHECK_SETTING, SECRET_KEY_FILE } from '../src/store/secret-key.ts';
import { Store } from '../src/store/store.ts';
import { dataDirBytes } from './helpers/data-dir-bytes.ts';

const KEY_1 = 'first-key-of-this-installation-0123456789';
const KEY_2 = 'second-key-after-a-rotation-9876543210abc';
const TOKEN = 'EAAG-whatsapp-access-token-that-must-not-leak';
const TOTP = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const SSO_SECRET = 'oidc-client-secret-that-must-not-leak';
const PUSH_SECRET = 'push-webhook-secret-that-must-not-leak';

/** Starts a node on `dataDir` with the given environment. */
const startIn = (dataDir: string) => (env: Record<string, string>) =>
  createNode(loadConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, env), {
    logger: pino({ level: 'silent' }),
  });

describe('the secret box', () => {
  it('seals with AES-256-GCM: a fresh nonce each time, tampering refused, old keys still open', () => {
    const box = SecretBox.fromPassphrases(KEY_1);
    const a = box.seal(TOKEN);
    assert.match(a, /^enc:v1:[0-9a-f]{8}:/);
    assert.notEqual(a, box.seal(TOKEN), 'a fresh nonce for each seal');
    assert.equal(box.open(a), TOKEN);
    assert.equal(box.open('stored-before-sealing-began'), 'stored-before-sealing-began');
    const tampered = `${a.slice(0, -4)}${a.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    assert.throws(() => box.open(tampered));
    const rotated = SecretBox.fromPassphrases(KEY_2, [KEY_1]);
    assert.equal(rotated.open(a), TOKEN);
    assert.ok(rotated.stale(a), 'sealed with the previous key: to seal again');
    assert.ok(!rotated.stale(rotated.seal(TOKEN)));
    assert.throws(() => SecretBox.fromPassphrases(KEY_2).open(a), /BECKON_SECRET_KEY/);
    assert.throws(() => SecretBox.fromPassphrases('short'), /at least 32/);
  });
});

describe('secrets at rest in the embedded store, across a key rotation', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-secrets-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = startIn(dataDir);
  const everything = () => dataDirBytes(dataDir);
  const keyIds = () => {
    const db = new Database(join(dataDir, 'beckon.db'), { readonly: true });
    try {
      const rows = [
        ...db.prepare('select config as v from channel_connections').all(),
        ...db.prepare('select secret as v from user_totp').all(),
        ...db.prepare('select client_secret as v from sso_configs').all(),
        ...db.prepare('select webhook_secret as v from site_push_settings').all(),
        ...db.prepare('select secret as v from webhook_endpoints').all(),
      ] as Array<{ v: string }>;
      return new Set(rows.map((r) => r.v.split(':')[2]));
    } finally {
      db.close();
    }
  };

  it('never writes channel tokens, push and SSO secrets or authenticator secrets in clear, and rotates keys at start', async () => {
    let node = await start({ BECKON_SECRET_KEY: KEY_1 });
    const { store } = node.ctx;
    const account = await store.accounts.create('Secret Shop');
    const user = await store.users.create(account.id, {
      email: 'owner@secret.example',
      name: 'Owner',
      role: 'owner',
      passwordHash: 'x',
    });
    const site = await store.sites.create(account.id, { name: 'Shop', allowedOrigins: [], timeZone: 'UTC' });
    const conn = await store.channelConnections.create(account.id, {
      type: 'whatsapp',
      name: 'Support line',
      config: { phoneNumberId: '1098765', accessToken: TOKEN, appSecret: 'app-secret-x', verifyToken: 'v' },
      apiBaseUrl: null,
      defaultSkillId: null,
    });
    await store.twoFactor.begin(account.id, user.id, TOTP);
    await store.sso.save(account.id, {
      issuer: 'https://login.secret.example',
      clientId: 'beckon',
      clientSecret: SSO_SECRET,
      domains: ['secret.example'],
      groupsClaim: 'groups',
      roleMap: {},
      defaultRole: null,
      jit: false,
      enabled: true,
    });
    await store.appPush.saveSettings(account.id, site.id, {
      webhook_url: 'https://push.secret.example',
      webhook_secret: PUSH_SECRET,
    });
    const endpoint = await store.webhooks.create(account.id, {
      url: 'https://hooks.secret.example/beckon',
      events: ['message.created'],
    });
    const sealedWithFirst = keyIds();
    assert.equal(sealedWithFirst.size, 1, 'every secret under one key');
    await node.close();

    const dump = everything();
    for (const secret of [TOKEN, TOTP, SSO_SECRET, PUSH_SECRET, endpoint.secret])
      assert.ok(!dump.includes(secret), `${secret} in clear`);

    // Rotation: the new key, the old one as previous. Everything is sealed again at start and still reads.
    node = await start({ BECKON_SECRET_KEY: KEY_2, BECKON_SECRET_KEY_PREVIOUS: KEY_1 });
    const rotated = keyIds();
    assert.equal(rotated.size, 1);
    assert.notDeepEqual(rotated, sealedWithFirst);
    await node.close();

    // The old key can go: the new one alone opens everything.
    node = await start({ BECKON_SECRET_KEY: KEY_2 });
    assert.equal(
      (await node.ctx.store.channelConnections.find(account.id, conn.id))?.config.accessToken,
      TOKEN,
    );
    assert.equal((await node.ctx.store.twoFactor.totpOf(user.id))?.secret, TOTP);
    assert.equal((await node.ctx.store.sso.config(account.id))?.clientSecret, SSO_SECRET);
    assert.equal((await node.ctx.store.appPush.settings(account.id, site.id))?.webhook_secret, PUSH_SECRET);
    await node.close();

    // A node with the wrong key does not start half-blind: it says which key it lacks.
    await assert.rejects(
      start({ BECKON_SECRET_KEY: KEY_1 }),
      /sealed with key [0-9a-f]{8}.*BECKON_SECRET_KEY/,
    );
  });

  it('makes a private key file for an installation without BECKON_SECRET_KEY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-secrets-file-'));
    try {
      const node = await createNode(
        loadConfig({ port: 0, host: '127.0.0.1', dataDir: dir, logLevel: 'silent' }, {}),
        {
          logger: pino({ level: 'silent' }),
        },
      );
      await node.close();
      const mode = statSync(join(dir, SECRET_KEY_FILE)).mode & 0o777;
      assert.equal(mode, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets stored before they were sealed, and the key the store names', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-secrets-upgrade-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const start = startIn(dataDir);
  const IDENTITY = 'identity-secret-of-an-older-version-0123456789';
  const INBOUND = 'inbound-mail-secret-of-an-older-version';
  const raw = (query: string) => {
    const db = new Database(join(dataDir, 'beckon.db'), { readonly: true });
    try {
      return (db.prepare(query).get() as { v: string } | undefined)?.v;
    } finally {
      db.close();
    }
  };

  it('seals plain identity and inbound mail secrets at the first start, reads them as they were, and refuses another key', async () => {
    // An older version's store: the secrets in clear.
    const old = await Store.open({ sqlitePath: join(dataDir, 'beckon.db') });
    await old.migrate();
    const account = await old.accounts.create('Older Shop');
    const site = await old.sites.create(account.id, { name: 'Shop', allowedOrigins: [], timeZone: 'UTC' });
    await old.db.updateTable('sites').set({ identity_secret: IDENTITY }).where('id', '=', site.id).execute();
    await old.db
      .insertInto('settings')
      .values({ key: `email.inbound_secret.${account.id}`, value: INBOUND })
      .execute();
    await old.close();

    const node = await start({ BECKON_SECRET_KEY: KEY_1 });
    assert.equal(await node.ctx.store.sites.identitySecret(account.id, site.id), IDENTITY);
    assert.equal(await node.ctx.store.settings.get(`email.inbound_secret.${account.id}`), INBOUND);
    await node.close();
    assert.match(raw('select identity_secret as v from sites')!, /^enc:v1:/);
    assert.match(raw("select value as v from settings where key like 'email.inbound_secret.%'")!, /^enc:v1:/);
    assert.match(raw(`select value as v from settings where key = '${KEY_CHECK_SETTING}'`)!, /^[0-9a-f]{8}$/);

    // Another key, or none at all: the node stops and says what to set, and makes no key file.
    await assert.rejects(
      start({ BECKON_SECRET_KEY: KEY_2 }),
      /sealed with key [0-9a-f]{8}.*BECKON_SECRET_KEY/,
    );
    await assert.rejects(
      start({}),
      /sealed with key [0-9a-f]{8}, and this node has no key.*BECKON_SECRET_KEY/,
    );
    assert.ok(!existsSync(join(dataDir, SECRET_KEY_FILE)));
  });
});
