import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { seedDemo } from '../src/demo/seed.ts';
import { PNG } from './helpers/sample-files.ts';
import { startTestServer } from './helpers/test-server.ts';

/** Every path under `dir` (itself included) with its kind and permission bits, as `path d0700` or `path f0600`. */
function modes(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    const kind = st.isDirectory() ? 'd' : 'f';
    out.push(`${relative(dir, p) || '.'} ${kind}${(st.mode & 0o777).toString(8).padStart(4, '0')}`);
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(dir);
  return out.sort();
}

/** Starts a server on `dataDir` (SQLite), seeds the demo with generated passwords, sends a chat with a photo. */
async function useDataDir(dataDir: string): Promise<string[]> {
  const srv = await startTestServer({ store: 'sqlite', dataDir });
  try {
    const demo = await seedDemo(srv.node.ctx.store, { publicUrl: srv.url, dataDir });
    const chat = await VisitorChatClient.start(srv.url, demo.siteKey, { visitorId: 'modes' });
    const photo = await chat.upload({ bytes: PNG, name: 'lamp.png', contentType: 'image/png' });
    await chat.send('here it is', undefined, [photo]);
    await chat.close();
    return modes(dataDir);
  } finally {
    await srv.close();
  }
}

const files = (list: string[]) => list.map((l) => l.split(' ')[0]!);
const assertPrivate = (list: string[]) => {
  for (const line of list) assert.match(line, / (d0700|f0600)$/);
};

describe('the data dir is readable by the server’s user only', () => {
  const parent = mkdtempSync(join(tmpdir(), 'beckon-modes-'));
  after(() => rmSync(parent, { recursive: true, force: true }));

  it('creates a new data dir 0700 and every file in it 0600: store, WAL, attachments, demo logins', async () => {
    const list = await useDataDir(join(parent, 'fresh', 'data'));
    for (const f of ['.', 'beckon.db', 'beckon.db-wal', 'beckon.db-shm', 'demo-logins.json', 'attachments'])
      assert.ok(files(list).includes(f), `${f} is in ${files(list).join(', ')}`);
    assert.ok(
      list.some((l) => l.startsWith('attachments/') && l.includes('/att_')),
      'the photo is stored',
    );
    assertPrivate(list);
  });

  it('makes an older install’s readable dir, store and files private when it starts', async () => {
    const dataDir = join(parent, 'old');
    mkdirSync(join(dataDir, 'attachments', 'acct_old'), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'attachments'), 0o755);
    writeFileSync(join(dataDir, 'beckon.db'), '', { mode: 0o644 });
    writeFileSync(join(dataDir, 'attachments', 'acct_old', 'att_old'), 'bytes', { mode: 0o644 });
    writeFileSync(join(dataDir, 'demo-logins.json'), '[]', { mode: 0o644 });
    assert.equal(statSync(join(dataDir, 'beckon.db')).mode & 0o777, 0o644);
    const list = await useDataDir(dataDir);
    assert.ok(files(list).includes('beckon.db-wal'));
    assert.ok(files(list).includes('attachments/acct_old/att_old'));
    assertPrivate(list);
  });
});
