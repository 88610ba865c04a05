import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { type CloseInfo, FrameSocket, wsUrl } from '@beckon/sdk/frame-socket';
import { MAX_TRANSPORT_FRAME } from '../src/realtime/ws-router.ts';
import { metric } from './engagement-fixtures.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

type Frame = { type: string; code?: string; message?: string; echoId?: string };

/** Every frame a socket receives from now until it closes, and how it closed. */
function record<F extends { type: string }>(
  s: FrameSocket<F>,
): { frames: Frame[]; closed: Promise<CloseInfo> } {
  const frames: Frame[] = [];
  s.on((f) => frames.push(f as Frame));
  return { frames, closed: s.closed };
}

/** How a socket closed, or a failure if it is still open after `ms` (a refusal that never came). */
function closedWithin(closed: Promise<CloseInfo>, ms = 5000): Promise<CloseInfo> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
  });
  return Promise.race([closed, late]).finally(() => clearTimeout(timer));
}

/** Opens a socket, sends `first` (a frame, or raw text), and returns what came back before the close. */
async function refusal(
  srv: TestServer,
  path: string,
  first: object | string,
  headers: Record<string, string> = {},
): Promise<{ errors: Frame[]; close: CloseInfo }> {
  const s = FrameSocket.connect<Frame>(wsUrl(srv.url, path), headers);
  const { frames, closed } = record(s);
  await s.opened;
  s.ws.send(typeof first === 'string' ? first : JSON.stringify(first));
  const close = await closedWithin(closed);
  return { errors: frames.filter((f) => f.type === 'error'), close };
}

/** A refusal counted in /metrics (beckon_ws_rejected_total). */
async function rejected(srv: TestServer, endpoint: string, reason: string): Promise<number> {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`beckon_ws_rejected_total{endpoint="${endpoint}",reason="${reason}"}`));
  return Number(line?.split(' ').pop() ?? 0);
}

const line = (echoId: string, text = echoId) => JSON.stringify({ type: 'send', echoId, text });

describe('chat sockets refuse hostile clients with an error frame and a close code', {
  timeout: 60_000,
}, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true });
  });
  after(async () => {
    await srv.close();
  });

  it('lets a person paste several lines at once: every one acknowledged, none refused', async () => {
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.support });
    const errors: Frame[] = [];
    visitor.frames.on((f) => {
      if (f.type === 'error') errors.push(f);
    });
    visitor.typing(true);
    const lines = Array.from({ length: 15 }, (_, i) => `line ${i + 1} of what I pasted`);
    const acks = await Promise.all(lines.map((text) => visitor.send(text)));
    visitor.typing(false);
    assert.equal(acks.length, lines.length);
    assert.deepEqual(
      acks.map((a) => a.seq),
      [...acks.map((a) => a.seq)].sort((a, b) => a - b),
    );
    assert.deepEqual(errors, []);
    assert.equal(visitor.frames.open, true);
    await visitor.close();
  });

  it('answers a flood of sends with rate_limited, closes it with 4429, and keeps what it stored', async () => {
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.support });
    const { frames, closed } = record(visitor.frames);
    const ids = Array.from({ length: 400 }, (_, i) => `flood${i}`);
    // A first part is acknowledged before the rest comes, all at once.
    for (const id of ids.slice(0, 60)) visitor.frames.ws.send(line(id));
    await eventually(() => frames.filter((f) => f.type === 'ack').length === 60, 5000, 'the first acks');
    for (const id of ids.slice(60)) visitor.frames.ws.send(line(id));
    const close = await closedWithin(closed);
    assert.equal(close.code, 4429);
    // Each refused line is named (so a client can send it again later), then the close is explained.
    const limited = frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    const named = limited.filter((f) => f.echoId?.startsWith('flood'));
    assert.ok(named.length >= 10, `rate_limited errors before the close: ${named.length}`);
    assert.equal(limited.length, named.length + 1);
    const { accountId } = srv.demo!;
    const conversationId = visitor.conversation.id;
    const stored = async () =>
      (await srv.node.ctx.store.messages.after(accountId, conversationId, 0, { limit: 1000 })).filter((m) =>
        m.echoId?.startsWith('flood'),
      );
    // What was accepted before the close is stored, each line once; nothing acknowledged is missing.
    const kept = await eventually(async () => {
      const s = await stored();
      return s.length > 0 ? s : undefined;
    });
    const acked = frames.filter((f) => f.type === 'ack').map((f) => f.echoId!);
    assert.ok(acked.length >= 60);
    for (const id of acked)
      assert.ok(
        kept.some((m) => m.echoId === id),
        `acknowledged ${id} is stored`,
      );
    assert.ok(kept.length < ids.length, 'the refused lines were not stored');
    // The client comes back later and resends what was never acknowledged: stored once, in order.
    await new Promise((r) => setTimeout(r, 300));
    const again = await VisitorChatClient.connect(srv.url, visitor.token);
    const missing = ids.filter((id) => !acked.includes(id)).slice(0, 40);
    await Promise.all(missing.map((id) => again.send(id, id, [], 0)));
    const all = await stored();
    assert.equal(new Set(all.map((m) => m.echoId)).size, all.length, 'no line stored twice');
    assert.ok(await rejected(srv, 'chat', 'socket_rate'));
    assert.ok(await rejected(srv, 'chat', 'flood'));
    await again.close();
  });

  it('coalesces a typing flood to a few signals, keeps the last state, and does not close', async () => {
    const sales = await connectAgent(srv, 'sales@demo.beckon.local');
    try {
      const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
      const id = visitor.conversation.id;
      await eventually(() => sales.offers.has(id), 3000, 'offer');
      await sales.accept(id);
      await visitor.waitForConversation((c) => c.status === 'active');
      const seen: boolean[] = [];
      sales.frames.on((f) => {
        if (f.type === 'typing' && f.conversationId === id) seen.push(f.typing);
      });
      for (let i = 0; i < 60; i++) visitor.typing(i % 2 === 0);
      visitor.typing(false);
      await eventually(() => seen.at(-1) === false && seen.length > 1, 3000, 'the last typing state');
      await new Promise((r) => setTimeout(r, 700));
      assert.ok(seen.length <= 6, `typing signals relayed: ${seen.length}`);
      assert.equal(seen.at(-1), false);
      const ack = await visitor.send('still here');
      assert.ok(ack.seq > 0);
      assert.ok(await rejected(srv, 'chat', 'typing_rate'));

      // The agent's typing, per conversation, alike.
      const visitorSaw: boolean[] = [];
      visitor.frames.on((f) => {
        if (f.type === 'typing') visitorSaw.push(f.typing);
      });
      for (let i = 0; i < 60; i++) sales.typing(id, i % 2 === 0);
      sales.typing(id, false);
      await eventually(() => visitorSaw.at(-1) === false && visitorSaw.length > 1, 3000, 'agent typing');
      await new Promise((r) => setTimeout(r, 700));
      assert.ok(visitorSaw.length <= 6, `agent typing signals relayed: ${visitorSaw.length}`);
      assert.equal(sales.frames.open, true);
      await sales.close(id);
      await visitor.close();
    } finally {
      await sales.disconnect();
    }
  });

  it('limits the agent socket: a flood gets rate_limited errors, then 4429', async () => {
    const { cookie } = await cookieFor(srv, 'support@demo.beckon.local');
    const agent = await AgentChatClient.connect(srv.url, { cookie });
    const { frames, closed } = record(agent.frames);
    for (let i = 0; i < 600; i++) agent.frames.ws.send(JSON.stringify({ type: 'ping' }));
    const close = await closedWithin(closed);
    assert.equal(close.code, 4429);
    const pongs = frames.filter((f) => f.type === 'pong').length;
    assert.ok(pongs >= 100 && pongs < 600, `pongs before the limit: ${pongs}`);
    assert.ok(frames.some((f) => f.type === 'error' && f.code === 'rate_limited'));
    assert.ok(await rejected(srv, 'agent', 'flood'));
  });

  it('closes a frame over 32 KiB with 1009 after a frame_too_large error, on both sockets', async () => {
    const big = JSON.stringify({ type: 'ping', pad: 'x'.repeat(40 * 1024) });
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.support });
    const v = record(visitor.frames);
    visitor.frames.ws.send(big);
    assert.equal((await closedWithin(v.closed)).code, 1009);
    assert.ok(v.frames.some((f) => f.type === 'error' && f.code === 'frame_too_large'));

    const agent = await connectAgent(srv, 'support@demo.beckon.local', false);
    const a = record(agent.frames);
    agent.frames.ws.send(big);
    assert.equal((await closedWithin(a.closed)).code, 1009);
    assert.ok(a.frames.some((f) => f.type === 'error' && f.code === 'frame_too_large'));

    // Before hello too, and well past 32 KiB, still 1009 after the error frame.
    const early = await refusal(srv, '/v1/chat', big);
    assert.equal(early.close.code, 1009);
    assert.equal(early.errors[0]?.code, 'frame_too_large');
    const huge = await refusal(srv, '/v1/chat', 'x'.repeat(80 * 1024));
    assert.equal(huge.close.code, 1009);
    assert.equal(huge.errors[0]?.code, 'frame_too_large');
    assert.ok((await rejected(srv, 'chat', 'frame_too_large')) >= 3);
    // Past what the transport reads at all, it closes with 1009 itself, and /metrics counts a 1009.
    const closes = (code: number) =>
      metric(srv, 'beckon_ws_closes_total', { endpoint: 'chat', code: String(code) });
    const [before1009, before1006] = [await closes(1009), await closes(1006)];
    const beyond = await refusal(srv, '/v1/chat', 'x'.repeat(MAX_TRANSPORT_FRAME + 1));
    assert.equal(beyond.close.code, 1009);
    await eventually(async () => (await closes(1009)) === before1009 + 1, 2000, 'the 1009 counted');
    assert.equal(await closes(1006), before1006, 'not counted as a dropped network');
  });

  it('says why before closing: malformed JSON, a malformed token, a send before hello', async () => {
    const json = await refusal(srv, '/v1/chat', '{"type":"hello",');
    assert.equal(json.close.code, 4400);
    assert.equal(json.errors[0]?.code, 'bad_frame');
    assert.match(json.errors[0]!.message!, /JSON/);

    const short = await refusal(srv, '/v1/chat', { type: 'hello', token: 'ct_' });
    assert.equal(short.close.code, 4401);
    assert.equal(short.errors[0]?.code, 'invalid_chat_token');

    const unknown = await refusal(srv, '/v1/chat', { type: 'hello', token: 'ct_not-a-real-token' });
    assert.equal(unknown.close.code, 4401);
    assert.equal(unknown.errors[0]?.code, 'invalid_chat_token');

    const early = await refusal(srv, '/v1/chat', { type: 'send', echoId: 'e1', text: 'hi' });
    assert.equal(early.close.code, 4401);
    assert.equal(early.errors[0]?.code, 'hello_required');

    const binary = FrameSocket.connect<Frame>(wsUrl(srv.url, '/v1/chat'));
    const b = record(binary);
    await binary.opened;
    binary.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await closedWithin(b.closed)).code, 4400);
    assert.equal(b.frames[0]?.code, 'bad_frame');

    const anonymous = await refusal(srv, '/v1/agent', { type: 'ping' });
    assert.equal(anonymous.close.code, 4401);
    assert.equal(anonymous.errors[0]?.code, 'unauthorized');
    assert.ok(await rejected(srv, 'chat', 'hello_required'));
    assert.ok(await rejected(srv, 'agent', 'unauthorized'));
  });
});

describe('chat socket budgets shared by an address and by an agent', { timeout: 30_000 }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({
      demo: true,
      env: { BECKON_RATE_CHAT_FRAME_ADDRESS: '1/20', BECKON_RATE_AGENT_FRAME_USER: '1/20' },
    });
  });
  after(async () => {
    await srv.close();
  });

  const pings = async <F extends { type: string }>(socket: FrameSocket<F>, n: number) => {
    const { frames } = record(socket);
    for (let i = 0; i < n; i++) socket.ws.send(JSON.stringify({ type: 'ping' }));
    await eventually(() => frames.length >= n, 3000, `${n} answers`);
    return frames;
  };

  it('a second socket from the same address spends what the first left', async () => {
    const one = await startVisitor(srv, { skillId: srv.demo!.skillIds.support });
    const two = await startVisitor(srv, { skillId: srv.demo!.skillIds.support });
    assert.ok((await pings(one.frames, 15)).every((f) => f.type === 'pong'));
    const second = await pings(two.frames, 10);
    assert.ok(second.some((f) => f.type === 'error' && f.code === 'rate_limited'));
    assert.ok(await rejected(srv, 'chat', 'address_rate'));
    await Promise.all([one.close(), two.close()]);
  });

  it('an agent’s second console spends what the first left', async () => {
    const one = await connectAgent(srv, 'support@demo.beckon.local', false);
    const two = await connectAgent(srv, 'support@demo.beckon.local', false);
    assert.ok((await pings(one.frames, 15)).every((f) => f.type === 'pong'));
    const second = await pings(two.frames, 10);
    assert.ok(second.some((f) => f.type === 'error' && f.code === 'rate_limited'));
    assert.ok(await rejected(srv, 'agent', 'user_rate'));
    await Promise.all([one.disconnect(), two.disconnect()]);
  });
});
