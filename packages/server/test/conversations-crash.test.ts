import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { seedDemo } from '../src/demo/seed.ts';
import { Store } from '../src/store/store.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { exitOf, startCli } from './helpers/cli.ts';
import { DEMO_AGENT_PASSWORD } from './helpers/test-server.ts';

/** Starts `beckon serve` on the data dir and resolves with its URL. */
async function serve(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const { child, output } = await startCli(
    ['serve'],
    {
      BECKON_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
      // Sixteen sends in flight per side, back to back: far past a person's pace, so the frame
      // limits are off, as in the bench (they have tests of their own); this is about what a crash loses.
      BECKON_RATE_CHAT_FRAME: '0',
      BECKON_RATE_CHAT_FRAME_ADDRESS: '0',
      BECKON_RATE_AGENT_FRAME: '0',
      BECKON_RATE_AGENT_FRAME_USER: '0',
    },
    /Console\s+http:\/\/\S+\/console\//,
  );
  const url = /Console\s+(http:\/\/\S+)\/console\//.exec(output())![1]!;
  return { child, url };
}

async function agentCookie(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'sales@demo.beckon.local', password: DEMO_AGENT_PASSWORD }),
  });
  assert.equal(res.status, 200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** A send as its client keeps it: echo id, text, the `afterSeq` it went with, and its ack's seq once acknowledged. */
type Sent = { echoId: string; text: string; afterSeq: number; seq?: number };

/** Keeps `window` sends in flight; records each acknowledgement. */
function pump(
  send: (s: Sent) => Promise<{ seq: number }>,
  seen: () => number,
  prefix: string,
  stop: () => boolean,
  window = 16,
) {
  const sent: Sent[] = [];
  let i = 0;
  const lane = async () => {
    while (!stop()) {
      const s: Sent = { echoId: `${prefix}-${i}`, text: `${prefix} ${i}`, afterSeq: seen() };
      i++;
      sent.push(s);
      try {
        s.seq = (await send(s)).seq;
      } catch {
        return;
      }
    }
  };
  // Sends cut by the crash never settle (the client keeps them to send again); nobody waits for the lanes.
  for (let k = 0; k < window; k++) void lane();
  return { sent };
}

describe('crash: kill -9 of the server mid-stream loses no acknowledged message', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'beckon-crash-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every acknowledged message is there exactly once and in order after a restart', {
    timeout: 120_000,
  }, async () => {
    const store = await Store.open({ sqlitePath: join(dataDir, 'beckon.db') });
    await store.migrate();
    const demo = await seedDemo(store, {
      publicUrl: 'http://127.0.0.1',
      dataDir,
      adminPassword: 'demo-admin-pw',
      agentPassword: DEMO_AGENT_PASSWORD,
    });
    await store.db.updateTable('sites').set({ allowed_origins: '[]' }).execute();
    await store.close();

    const first = await serve(dataDir);
    children.push(first.child);
    const agent = await AgentChatClient.connect(first.url, { cookie: await agentCookie(first.url) });
    await agent.setStatus('online');
    const visitor = await VisitorChatClient.start(first.url, demo.siteKey, {
      skillId: demo.skillIds.sales,
      visitorId: 'crashv',
    });
    const id = visitor.conversation.id;
    await eventually(() => agent.offers.has(id), 5000, 'offer');
    await agent.accept(id);

    let killed = false;
    const fromVisitor = pump(
      (s) => visitor.send(s.text, s.echoId, [], s.afterSeq),
      () => visitor.lastSeq,
      'visitor',
      () => killed,
    );
    const fromAgent = pump(
      (s) => agent.send(id, s.text, { echoId: s.echoId, afterSeq: s.afterSeq }),
      () => agent.lastSeq(id),
      'agent',
      () => killed,
    );
    const acked = () => [...fromVisitor.sent, ...fromAgent.sent].filter((s) => s.seq !== undefined).length;
    await eventually(() => acked() >= 400, 30_000, '400 acknowledged messages');
    // A last few sends written right before the kill, which the server cannot answer in time: the
    // crash cuts sends in flight even when the lanes' acks had all caught up (a slow client).
    for (let k = 0; k < 3; k++) {
      const s: Sent = { echoId: `visitor-last-${k}`, text: `visitor last ${k}`, afterSeq: visitor.lastSeq };
      fromVisitor.sent.push(s);
      visitor.send(s.text, s.echoId, [], s.afterSeq).then(
        (ack) => {
          s.seq = ack.seq;
        },
        () => {},
      );
    }
    first.child.kill('SIGKILL');
    killed = true;
    assert.equal(await exitOf(first.child), 'SIGKILL');
    const sent = [...fromVisitor.sent, ...fromAgent.sent];
    const ackedBeforeCrash = sent.filter((s) => s.seq !== undefined);
    const unacked = sent.filter((s) => s.seq === undefined);
    assert.ok(unacked.length > 0, 'the crash cut sends in flight');

    const second = await serve(dataDir);
    children.push(second.child);
    try {
      // Both clients come back and send again what was never acknowledged, with the same echo ids
      // and afterSeq (as the widget and the console keep them in their outboxes).
      const v2 = await VisitorChatClient.connect(second.url, visitor.token, 0);
      const a2 = await AgentChatClient.connect(second.url, { cookie: await agentCookie(second.url) });
      for (const s of unacked) {
        const ack = s.echoId.startsWith('visitor')
          ? await v2.send(s.text, s.echoId, [], s.afterSeq)
          : await a2.send(id, s.text, { echoId: s.echoId, afterSeq: s.afterSeq });
        s.seq = ack.seq;
      }
      const res = await fetch(`${second.url}/api/v1/chat/messages?afterSeq=0&limit=1000`, {
        headers: { 'x-beckon-chat-token': visitor.token },
      });
      const stored = (
        (await res.json()) as {
          items: Array<{ seq: number; text: string; echoId: string | null; senderKind: string }>;
        }
      ).items;
      assert.ok(stored.length >= sent.length);
      // Exactly once: every text appears once; every acknowledged one under the seq its ack gave.
      const bySeq = new Map(stored.map((m) => [m.seq, m]));
      for (const s of ackedBeforeCrash)
        assert.equal(bySeq.get(s.seq!)?.text, s.text, `acknowledged ${s.echoId} kept at seq ${s.seq}`);
      const texts = stored.map((m) => m.text);
      assert.equal(new Set(texts).size, texts.length, 'no message stored twice');
      for (const s of sent) assert.ok(texts.includes(s.text), `${s.echoId} present after the retry`);
      // Order: what each side sent (and had acknowledged) is stored in the order it was sent.
      for (const side of [fromVisitor.sent, fromAgent.sent]) {
        const seqs = side.filter((s) => ackedBeforeCrash.includes(s)).map((s) => s.seq!);
        assert.deepEqual(
          seqs,
          [...seqs].sort((a, b) => a - b),
        );
      }
      assert.deepEqual(
        stored.map((m) => m.seq),
        Array.from({ length: stored.length }, (_, k) => k + 1),
      );
      await v2.close();
      await a2.disconnect();
    } finally {
      second.child.kill('SIGTERM');
      await exitOf(second.child);
    }
  });
});
