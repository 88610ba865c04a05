import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Store } from '../src/store/store.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { exitOf, startCli } from './helpers/cli.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';

const RECIPIENTS = 120;

/** Starts `beckon serve` on the data dir, mail going to the sink; resolves with its URL. */
async function serve(dataDir: string, sink: SmtpSink): Promise<{ child: ChildProcess; url: string }> {
  const { child, output } = await startCli(
    ['serve'],
    {
      BECKON_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
      BECKON_SMTP_URL: sink.url,
      BECKON_EMAIL_DOMAIN: 'kill.beckon.local',
      BECKON_EMAIL_FROM: 'Kill Shop <news@kill.beckon.local>',
      BECKON_EGRESS_ALLOW_PRIVATE: '1',
      BECKON_OUTBOX_POLL_MS: '50',
      BECKON_OUTBOX_LEASE_MS: '2000',
      BECKON_BROADCAST_POLL_MS: '50',
    },
    /Console\s+http:\/\/\S+\/console\//,
  );
  return { child, url: /Console\s+(http:\/\/\S+)\/console\//.exec(output())![1]! };
}

describe('crash: kill -9 in the middle of a broadcast sends nobody twice', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-broadcast-kill-'));
  const children: ChildProcess[] = [];
  let sink: SmtpSink | undefined;
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await sink?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('after a restart every recipient is sent once or in doubt, none twice', {
    timeout: 240_000,
  }, async () => {
    const store = await Store.open({ sqlitePath: join(dataDir, 'beckon.db') });
    await store.migrate();
    const account = await store.accounts.create('Kill');
    const key = (await store.apiKeys.create(account.id, 'kill test')).key;
    for (let i = 0; i < RECIPIENTS; i++) {
      const c = await store.contacts.resolve(account.id, { name: `K${i}`, email: `k${i}@example.com` });
      await store.contacts.addAttributes(account.id, c.id, { batch: 'kill' });
    }
    await store.close();
    sink = await startSmtpSink();

    let { child, url } = await serve(dataDir, sink);
    children.push(child);
    // biome-ignore lint/suspicious/noExplicitAny: JSON of the API, read as the tests' API client reads it
    const api = async (method: string, path: string, body?: unknown): Promise<any> => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = await res.json();
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    // 20 mails a second: the send lasts seconds, so the kill falls in its middle.
    await api('PUT', '/api/v1/account/sending', { throughput: { emailPerMinute: 1200 } });
    const segment = await api('POST', '/api/v1/segments', {
      name: 'Kill',
      filter: { field: 'attribute.batch', op: 'equals', value: 'kill' },
    });
    const b = await api('POST', '/api/v1/broadcasts', {
      name: 'Kill',
      segmentId: segment.id,
      channels: ['email'],
      holdoutPercent: 0,
      content: { email: { subject: 'Hi {{name|you}}', text: 'Spring prices are in.' } },
    });
    await eventually(() => sink!.mails.length >= 30, 120_000, '30 mails sent');
    child.kill('SIGKILL');
    assert.equal(await exitOf(child), 'SIGKILL');
    const atKill = sink.mails.length;
    assert.ok(atKill < RECIPIENTS, `killed mid-send (${atKill} mails)`);

    ({ child, url } = await serve(dataDir, sink));
    children.push(child);
    const done = await eventually(
      async () => {
        const v = await api('GET', `/api/v1/broadcasts/${b.id}`);
        const f = v.funnel;
        return v.status === 'sent' && f.queued === f.sent + f.failed + f.inDoubt ? v : undefined;
      },
      180_000,
      'every message settled after the restart',
    );
    const f = done.funnel;
    const perAddress = new Map<string, number>();
    for (const m of sink.mails) for (const to of m.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    const twice = [...perAddress].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], 'nobody got the mail twice');
    assert.equal(f.targeted, RECIPIENTS);
    assert.equal(f.queued, RECIPIENTS, 'every recipient queued once');
    assert.equal(f.failed, 0);
    // A recipient sent got one mail; one in doubt got one or none (the provider may have it).
    assert.ok(sink.mails.length >= f.sent, `${sink.mails.length} mails for ${f.sent} sent`);
    assert.ok(sink.mails.length <= f.sent + f.inDoubt, `${sink.mails.length} mails, ${f.inDoubt} in doubt`);
    const items = [];
    let after = '';
    for (;;) {
      const page = await api('GET', `/api/v1/broadcasts/${b.id}/recipients?limit=100${after}`);
      items.push(...page.items);
      if (!page.next) break;
      after = `&after=${page.next}`;
    }
    assert.equal(items.length, RECIPIENTS);
    for (const r of items) assert.ok(['sent', 'in_doubt'].includes(r.state), `${r.contactId}: ${r.state}`);
  });
});
