import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CloseInfo, FrameSocket, wsUrl } from '@beckon/sdk/frame-socket';
import { metric } from './engagement-fixtures.ts';
import { cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

type Frame = { type: string; code?: string; message?: string };

/** A socket with every frame it received and, once closed, how. */
interface Opened {
  socket: FrameSocket<Frame>;
  frames: Frame[];
  close?: CloseInfo;
}

/** Opens a socket on `path`, sends `first` if given, and waits until it is welcomed/ready or closed. */
async function open(
  srv: TestServer,
  path: string,
  headers: Record<string, string>,
  first?: object,
  until: (f: Frame) => boolean = () => false,
): Promise<Opened> {
  const socket = FrameSocket.connect<Frame>(wsUrl(srv.url, path), headers);
  const o: Opened = { socket, frames: [] };
  socket.on((f) => o.frames.push(f));
  void socket.closed.then((c) => {
    o.close = c;
  });
  await socket.opened;
  if (first) socket.send(first);
  await eventually(() => o.close || o.frames.some(until), 5000, `${path} answers`);
  return o;
}

/** The refusal every cap gives: an error frame saying why, then 4429. */
function assertCapped(o: Opened, what: string): void {
  assert.equal(o.close?.code, 4429, `closed with ${o.close?.code}`);
  const error = o.frames.find((f) => f.type === 'error');
  assert.equal(error?.code, 'rate_limited');
  assert.match(error?.message ?? '', new RegExp(`too many open sockets for this ${what}`));
}

async function closeAll(list: Opened[]): Promise<void> {
  for (const o of list) o.socket.ws.close();
  await Promise.all(list.map((o) => o.socket.closed));
}

/** Sockets refused for a cap, as /metrics counts them. */
const rejected = (srv: TestServer, endpoint: string) =>
  metric(srv, 'beckon_ws_rejected_total', { endpoint, reason: 'too_many_sockets' });

describe('open sockets are capped per client and per address, with 4429', { timeout: 120_000 }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true });
  });
  after(() => srv.close());

  it('admits 10 chat sockets per conversation, refuses the 11th, and frees a place when one closes', async () => {
    const visitor = await startVisitor(srv);
    const hello = { type: 'hello', token: visitor.token };
    const welcomed = (f: Frame) => f.type === 'welcome';
    const more: Opened[] = [];
    for (let i = 0; i < 9; i++) more.push(await open(srv, '/v1/chat', {}, hello, welcomed));
    assert.ok(
      more.every((o) => !o.close && o.frames.some(welcomed)),
      'ten sockets open on one chat',
    );
    const eleventh = await open(srv, '/v1/chat', {}, hello, welcomed);
    assertCapped(eleventh, 'conversation');
    more.pop()!.socket.ws.close();
    await eventually(async () => {
      const again = await open(srv, '/v1/chat', {}, hello, welcomed);
      more.push(again);
      return !again.close;
    });
    assert.ok((await rejected(srv, 'chat')) >= 1);
    await closeAll(more);
    await visitor.close();
  });

  it('admits 200 chat sockets from one address and refuses the 201st', async () => {
    const held: Opened[] = [];
    for (let i = 0; i < 200; i++) {
      const socket = FrameSocket.connect<Frame>(wsUrl(srv.url, '/v1/chat'), {});
      const o: Opened = { socket, frames: [] };
      socket.on((f) => o.frames.push(f));
      void socket.closed.then((c) => {
        o.close = c;
      });
      await socket.opened;
      held.push(o);
    }
    const over = await open(srv, '/v1/chat', {});
    assertCapped(over, 'address');
    assert.equal(held.filter((o) => o.close).length, 0, 'the first 200 stay open');
    await closeAll(held);
  });

  it('admits 20 agent sockets per console user and refuses the 21st', async () => {
    const { cookie } = await cookieFor(srv, 'sales@demo.beckon.local');
    const ready = (f: Frame) => f.type === 'ready';
    const consoles: Opened[] = [];
    for (let i = 0; i < 20; i++) consoles.push(await open(srv, '/v1/agent', { cookie }, undefined, ready));
    assert.ok(
      consoles.every((o) => !o.close),
      'twenty consoles open',
    );
    assertCapped(await open(srv, '/v1/agent', { cookie }, undefined, ready), 'user');
    // another user is not affected
    const other = await cookieFor(srv, 'support@demo.beckon.local');
    const theirs = await open(srv, '/v1/agent', { cookie: other.cookie }, undefined, ready);
    assert.equal(theirs.close, undefined);
    assert.ok((await rejected(srv, 'agent')) >= 1);
    await closeAll([...consoles, theirs]);
  });
});

describe('socket caps come from the environment', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({
      demo: true,
      env: { BECKON_MAX_AGENT_SOCKETS_ADDRESS: '5', BECKON_MAX_AGENT_SOCKETS_USER: '0' },
    });
  });
  after(() => srv.close());

  it('refuses the 6th agent socket from one address when the address cap is 5, whoever signs in', async () => {
    const ready = (f: Frame) => f.type === 'ready';
    const emails = ['sales@demo.beckon.local', 'support@demo.beckon.local', 'admin@demo.beckon.local'];
    const held: Opened[] = [];
    for (let i = 0; i < 5; i++) {
      const { cookie } = await cookieFor(srv, emails[i % 3]!);
      held.push(await open(srv, '/v1/agent', { cookie }, undefined, ready));
    }
    assert.ok(held.every((o) => !o.close));
    const { cookie } = await cookieFor(srv, emails[0]!);
    assertCapped(await open(srv, '/v1/agent', { cookie }, undefined, ready), 'address');
    await closeAll(held);
  });
});
