import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecretBox } from '../src/store/secret-box.ts';
import { Store } from '../src/store/store.ts';
import { postgresSkipReasonNow, TEST_PG_URL } from './helpers/postgres.ts';
import { freshPgStore, type PgTestStore } from './helpers/schema-template.ts';

const pgSkip = postgresSkipReasonNow();
const KEY = 'opened-credentials-test-key-0123456789abc';

/**
 * A provider message opens its connection's sealed credentials once, not each time; a change made
 * anywhere, on this node or another on the same store, is read at the next message.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`a connection's credentials, opened once (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
  }, () => {
    let one: Store;
    let two: Store;
    let pg: PgTestStore | undefined;
    let dir = '';

    before(async () => {
      const open = async () => {
        const store =
          kind === 'postgres'
            ? await Store.open({ databaseUrl: pg!.url, ...(pg!.schema ? { pgSchema: pg!.schema } : {}) })
            : await Store.open({ sqlitePath: join(dir, 'beckon.db') });
        store.useSecrets(SecretBox.fromPassphrases(KEY));
        return store;
      };
      if (kind === 'postgres') pg = await freshPgStore(TEST_PG_URL);
      else dir = mkdtempSync(join(tmpdir(), 'beckon-opened-'));
      one = await open();
      await one.migrate();
      two = await open();
    });
    after(async () => {
      await one?.close();
      await two?.close();
      await pg?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('answers the same frozen credentials until they change, on this node or another', async () => {
      const account = await one.accounts.create('Opened');
      const conn = await one.channelConnections.create(account.id, {
        type: 'sms',
        name: 'SMS',
        config: { accountSid: 'AC1', authToken: 'first-token', from: '+15550001' },
        apiBaseUrl: null,
        defaultSkillId: null,
      });
      const first = await two.channelConnections.forWebhook('sms', conn.id);
      const again = await two.channelConnections.forWebhook('sms', conn.id);
      assert.equal(first?.config.authToken, 'first-token');
      assert.equal(again?.config, first?.config, 'opened once');
      assert.ok(Object.isFrozen(first?.config), 'shared by every reader, so nobody may change it');
      assert.throws(() => {
        (first!.config as Record<string, string>).authToken = 'changed by a reader';
      }, TypeError);

      // Changed on the other node: the stored value is sealed anew, and read as such here.
      await one.channelConnections.updateConfig(account.id, conn.id, { authToken: 'second-token' });
      const changed = await two.channelConnections.forWebhook('sms', conn.id);
      assert.equal(changed?.config.authToken, 'second-token');
      assert.equal(changed?.config.accountSid, 'AC1');
      // And on this node.
      await two.channelConnections.updateConfig(account.id, conn.id, { authToken: 'third-token' });
      assert.equal(
        (await one.channelConnections.forWebhook('sms', conn.id))?.config.authToken,
        'third-token',
      );
      assert.equal(
        (await two.channelConnections.forWebhook('sms', conn.id))?.config.authToken,
        'third-token',
      );
    });
  });
}
