import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { rawMailKey } from '../src/channels/email/email-intake.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { Store } from '../src/store/store.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { exitOf, startCli } from './helpers/cli.ts';
import { sendMail } from './helpers/smtp-sink.ts';

/** Starts `beckon serve` with the SMTP listener on a free port; resolves with that port. */
async function serve(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const { child, output } = await startCli(
    ['serve'],
    {
      BECKON_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
      BECKON_SMTP_PORT: '0',
      BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
      // Eight clients back to back: far past a person's pace; this is about what a crash loses.
      BECKON_RATE_EMAIL_SENDER: '0',
      BECKON_RATE_EMAIL_CLIENT: '0',
    },
    /E-mail in\s+smtp:\/\/\S+:\d+/,
  );
  const port = Number(/E-mail in\s+smtp:\/\/\S+:(\d+)/.exec(output())![1]);
  return { child, port };
}

describe('crash: kill -9 while mail arrives loses no mail that got a 250', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-mail-crash-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every accepted mail is stored once, with its raw bytes, after a restart', {
    timeout: 120_000,
  }, async () => {
    const seeding = await Store.open({ sqlitePath: join(dataDir, 'beckon.db') });
    await seeding.migrate();
    const demo = await seedDemo(seeding, {
      publicUrl: 'http://127.0.0.1',
      dataDir,
      adminPassword: 'pw-admin-1',
    });
    await seeding.close();

    const { child, port } = await serve(dataDir);
    children.push(child);
    const accepted: string[] = [];
    let sent = 0;
    let killed = false;
    const lane = async (k: number) => {
      while (!killed) {
        const id = `<crash-${k}-${sent++}@example.com>`;
        try {
          await sendMail(port, {
            from: `sender${k}@example.com`,
            to: 'support@demo.beckon.local',
            subject: `Crash ${k}`,
            messageId: id,
            text: `Mail ${id}\n${'x'.repeat(2000)}`,
          });
          accepted.push(id);
        } catch {
          return;
        }
      }
    };
    for (let k = 0; k < 8; k++) void lane(k);
    await eventually(() => accepted.length >= 150, 60_000, '150 accepted mails');
    child.kill('SIGKILL');
    killed = true;
    assert.equal(await exitOf(child), 'SIGKILL');
    const acceptedBeforeCrash = [...accepted];

    const store = await Store.open({ sqlitePath: join(dataDir, 'beckon.db') });
    try {
      const rows = await store.db
        .selectFrom('channel_messages')
        .select(['external_id', 'conversation_id', 'seq'])
        .where('account_id', '=', demo.accountId)
        .where('channel', '=', 'email')
        .execute();
      const byId = new Map(rows.map((r) => [r.external_id, r]));
      for (const id of acceptedBeforeCrash) {
        const row = byId.get(id);
        assert.ok(row?.seq, `${id} got a 250 and is stored`);
        const [line] = await store.messages.after(demo.accountId, row.conversation_id, row.seq - 1, {
          limit: 1,
        });
        assert.ok(line?.text.startsWith(`Mail ${id}`), `${id} is its line`);
        assert.ok(
          existsSync(join(dataDir, 'attachments', rawMailKey(demo.accountId, id))),
          `${id}'s raw mail is kept`,
        );
      }
      const texts: string[] = [];
      for (const conversationId of new Set(rows.map((r) => r.conversation_id))) {
        const lines = await store.messages.after(demo.accountId, conversationId, 0, { limit: 1000 });
        texts.push(...lines.map((m) => m.text.split('\n')[0]!));
      }
      assert.equal(new Set(texts).size, texts.length, 'no mail stored twice');
    } finally {
      await store.close();
    }
  });
});
