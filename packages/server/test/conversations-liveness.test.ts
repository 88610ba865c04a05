import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { wsUrl } from '@beckon/sdk/frame-socket';
import WebSocket from 'ws';
import { chatOf } from '../src/conversations/chat-module.ts';
import { metric } from './engagement-fixtures.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Fast heartbeats, so a silent socket shows within a test; each file runs in its own process.
const HEARTBEAT_MS = 200;
// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_HEARTBEAT_MS = String(HEARTBEAT_MS);
});

const SALES = 'sales@demo.beckon.local';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Frame = { type: string; code?: string; ref?: string; conversation?: { id: string; status: string } };

/**
 * A chat socket on the real `ws` client that does not answer the server's pings, with every frame it
 * got and how it closed. `socket` is its TCP connection: pausing it stops the client reading
 * anything at all, a close frame included — a peer that is gone.
 */
function silentSocket(srv: TestServer, path: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(wsUrl(srv.url, path), { headers, autoPong: false, perMessageDeflate: false });
  const frames: Frame[] = [];
  let socket: Socket | undefined;
  ws.once('upgrade', (res) => {
    socket = res.socket as Socket;
  });
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const frame = (type: string) => eventually(() => frames.find((f) => f.type === type), 5000, type);
  return { ws, frames, closed, opened, frame, socket: () => socket! };
}

const rejected = (srv: TestServer, endpoint: string) =>
  metric(srv, 'beckon_ws_rejected_total', { endpoint, reason: 'heartbeat_timeout' });

describe('chat sockets: server pings close what stopped answering', { timeout: 30_000 }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true });
  });
  after(() => srv.close());

  it('keeps a visitor and an agent that answer pings connected, however quiet they are', async () => {
    const agent = await connectAgent(srv, SALES);
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.support });
    await sleep(HEARTBEAT_MS * 5);
    assert.equal(agent.frames.open, true);
    assert.equal(visitor.frames.open, true);
    assert.equal((await visitor.send('still here')).type, 'ack');
    const present = await chatOf(srv.node.ctx)!.presence.connected(srv.demo!.accountId);
    assert.ok(present.has(agent.profile.id));
    await Promise.all([agent.disconnect(), visitor.close()]);
  });

  it('closes a visitor chat socket that stops answering pings with 4408, after an error frame', async () => {
    const before = await rejected(srv, 'chat');
    const s = silentSocket(srv, '/v1/chat');
    await s.opened;
    s.ws.send(
      JSON.stringify({ type: 'start', siteKey: srv.demo!.siteKey, skillId: srv.demo!.skillIds.support }),
    );
    await s.frame('welcome');
    const started = Date.now();
    const closed = await s.closed;
    assert.deepEqual(closed, { code: 4408, reason: 'heartbeat timeout' });
    assert.ok(Date.now() - started < HEARTBEAT_MS * 4, 'noticed within two rounds');
    assert.equal(s.frames.at(-1)?.code, 'timeout');
    assert.equal(await rejected(srv, 'chat'), before + 1);
  });

  it('takes a console that is gone off routing at once: 4408, presence released, its offer back in the queue', async () => {
    const { cookie, userId, accountId } = await cookieFor(srv, SALES);
    const presence = chatOf(srv.node.ctx)!.presence;
    const s = silentSocket(srv, '/v1/agent', { cookie });
    await s.opened;
    await s.frame('ready');
    s.ws.send(JSON.stringify({ type: 'status', status: 'online', ref: 'on' }));
    await eventually(() => s.frames.find((f) => f.type === 'done' && f.ref === 'on'));
    assert.ok((await presence.connected(accountId)).has(userId));
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    const offer = await s.frame('offer');
    assert.equal(offer.conversation?.id, visitor.conversation.id);

    // The lid closes: nothing is read any more, neither pings nor the server's close frame.
    s.socket().pause();
    const started = Date.now();
    await eventually(async () => !(await presence.connected(accountId)).has(userId), 5000, 'presence gone');
    assert.ok(Date.now() - started < HEARTBEAT_MS * 6, 'released without waiting for the close handshake');
    const { store } = srv.node.ctx;
    await eventually(
      async () => (await store.conversations.get(accountId, visitor.conversation.id)).status === 'queued',
      5000,
      'the offer withdrawn',
    );
    assert.equal(await rejected(srv, 'agent'), 1);
    // Nobody else of the skill is connected: a new chat goes to the offline flow, not to the dead console.
    const later = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    assert.equal(later.conversation.status, 'offline');

    // Had the network come back, the console would have read why it was closed.
    s.socket().resume();
    assert.deepEqual(await s.closed, { code: 4408, reason: 'heartbeat timeout' });
    assert.deepEqual(
      s.frames.filter((f) => f.type === 'error').map((f) => f.code),
      ['timeout'],
    );
    await Promise.all([visitor.close(), later.close()]);
  });

  it('keeps an agent present on another console when one closes while its presence is being added', async () => {
    const { cookie, userId, accountId } = await cookieFor(srv, SALES);
    const { presence } = chatOf(srv.node.ctx)!;
    const first = new WebSocket(wsUrl(srv.url, '/v1/agent'), { headers: { cookie } });
    await new Promise((resolve) => first.once('message', resolve)); // ready
    assert.ok((await presence.connected(accountId)).has(userId));

    // The second console's presence is held up; it closes meanwhile, then the add completes.
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const add = presence.add.bind(presence);
    let adding!: () => void;
    const started = new Promise<void>((resolve) => {
      adding = resolve;
    });
    presence.add = async (a, u) => {
      adding();
      await held;
      return add(a, u);
    };
    const second = new WebSocket(wsUrl(srv.url, '/v1/agent'), { headers: { cookie } });
    await Promise.all([started, new Promise((resolve) => second.once('open', resolve))]);
    second.terminate();
    await sleep(100); // the server sees the close while the add is pending
    presence.add = add;
    letGo();
    await sleep(100);
    assert.ok((await presence.connected(accountId)).has(userId), 'the first console still counts');
    first.close();
    await eventually(async () => !(await presence.connected(accountId)).has(userId), 5000, 'gone with it');
  });
});
