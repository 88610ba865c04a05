import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Attachment } from '@beckon/protocol/chat-api';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { ChatRequestError } from '@beckon/sdk/frame-socket';
import { chatOf } from '../src/conversations/chat-module.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { GIF, HTML, JPEG, PDF, PNG, SVG, WEBP } from './helpers/sample-files.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const MAX = 64 * 1024;

describe('chat attachments: images and PDF, checked by their bytes, served only to participants', {
  timeout: 60_000,
}, () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  let visitor: VisitorChatClient;
  let id: string;
  let salesCookie: string;
  let salesCsrf: string;

  const post = (path: string, body: Uint8Array, headers: Record<string, string>) =>
    fetch(`${srv.url}${path}`, { method: 'POST', body, headers });
  const visitorUpload = (body: Uint8Array, type: string, token = visitor.token, name = 'file') =>
    post('/api/v1/chat/attachments', body, {
      'content-type': type,
      'x-beckon-chat-token': token,
      'x-file-name': name,
    });
  const agentGet = (url: string, cookie = salesCookie) => fetch(`${srv.url}${url}`, { headers: { cookie } });
  const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());

  async function chatWithSales(): Promise<{ v: VisitorChatClient; cid: string }> {
    const v = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    await eventually(() => sales.offers.has(v.conversation.id), 3000, 'offer');
    await sales.accept(v.conversation.id);
    return { v, cid: v.conversation.id };
  }

  before(async () => {
    srv = await startTestServer({
      demo: true,
      env: {
        BECKON_ATTACHMENT_MAX_BYTES: String(MAX),
        BECKON_RATE_CHAT_UPLOAD: '0.001/20',
        BECKON_RATE_CHAT_UPLOAD_ADDRESS: '100/1000',
      },
    });
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    const s = await cookieFor(srv, 'sales@demo.beckon.local');
    salesCookie = s.cookie;
    salesCsrf = s.csrf;
    ({ v: visitor, cid: id } = await chatWithSales());
  });
  after(async () => {
    await sales?.disconnect();
    await visitor?.close();
    await srv.close();
  });

  it('a visitor sends a photo with no text; the agent sees it and loads it with the console session', async () => {
    const photo = await visitor.upload({ bytes: PNG, name: 'Broken lamp.png', contentType: 'image/png' });
    assert.match(photo.id, /^att_/);
    assert.deepEqual(
      [photo.name, photo.contentType, photo.size],
      ['Broken lamp.png', 'image/png', PNG.length],
    );
    assert.ok(photo.url.startsWith(`${srv.url}/api/v1/chat/attachments/${photo.id}?exp=`), photo.url);
    const file = join(srv.dataDir, 'attachments', srv.demo!.accountId, photo.id);
    assert.ok(existsSync(file), 'stored under <dataDir>/attachments/<accountId>/');

    const ack = await visitor.send('', undefined, [photo]);
    const got = await sales.waitForMessage(id, (m) => m.seq === ack.seq);
    assert.equal(got.text, '');
    assert.equal(got.attachments.length, 1);
    const seen = got.attachments[0]!;
    assert.deepEqual([seen.id, seen.name, seen.size], [photo.id, 'Broken lamp.png', PNG.length]);
    assert.equal(seen.url, `/api/v1/conversations/${id}/attachments/${photo.id}`);

    const res = await agentGet(seen.url);
    assert.equal(res.status, 200);
    assert.deepEqual(await bytesOf(res), PNG);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-security-policy'), "sandbox; default-src 'none'");
    assert.match(res.headers.get('content-disposition')!, /^inline; filename="Broken lamp.png"/);
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'same-origin');

    // The visitor's own copy works as an <img src> on another origin: no header, no cookie.
    const mine = await fetch(photo.url);
    assert.equal(mine.status, 200);
    assert.deepEqual(await bytesOf(mine), PNG);
    assert.equal(mine.headers.get('cross-origin-resource-policy'), 'cross-origin');
  });

  it('an agent sends a PDF; the visitor gets a signed link that downloads it, and tampering gets 404', async () => {
    const api = await sales.upload(id, {
      bytes: PDF,
      name: 'Invoice 42.pdf',
      contentType: 'application/pdf',
    });
    assert.equal(api.url, `/api/v1/conversations/${id}/attachments/${api.id}`);
    const ack = await sales.send(id, 'Here is your invoice', { attachments: [api] });
    const got = await visitor.waitForMessage((m) => m.seq === ack.seq);
    const link = got.attachments[0]!;
    assert.equal(link.name, 'Invoice 42.pdf');
    const res = await fetch(link.url);
    assert.equal(res.status, 200);
    assert.deepEqual(await bytesOf(res), PDF);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.match(res.headers.get('content-disposition')!, /^attachment; filename="Invoice 42.pdf"/);
    assert.equal(res.headers.get('content-security-policy'), "sandbox; default-src 'none'");

    const url = new URL(link.url);
    const sig = url.searchParams.get('sig')!;
    const exp = Number(url.searchParams.get('exp'));
    // A different first character always changes the signed bytes (a changed last one may not).
    const forged = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    const variants = [
      `${url.pathname}?exp=${exp}&sig=${forged}`,
      `${url.pathname}?exp=${exp + 3600}&sig=${sig}`,
      `/api/v1/chat/attachments/att_doesnotexist?exp=${exp}&sig=${sig}`,
    ];
    for (const v of variants) assert.equal((await fetch(`${srv.url}${v}`)).status, 404, v);
    assert.equal((await fetch(`${srv.url}${url.pathname}`)).status, 404, 'no signature at all');
    const expired = new URL(link.url);
    expired.searchParams.set('exp', String(Math.floor(Date.now() / 1000) - 10));
    assert.equal((await fetch(expired)).status, 404, 'an expired link');

    // Over REST the visitor's history carries the same kind of link.
    const hist = await fetch(`${srv.url}/api/v1/chat/messages?afterSeq=${ack.seq - 1}`, {
      headers: { 'x-beckon-chat-token': visitor.token },
    });
    const items = ((await hist.json()) as { items: Array<{ attachments: Attachment[] }> }).items;
    assert.equal((await fetch(items[0]!.attachments[0]!.url)).status, 200);
  });

  it('checks types by their bytes: only PNG, JPEG, GIF, WebP and PDF, and only as what they are', async () => {
    for (const [bytes, type] of [
      [JPEG, 'image/jpeg'],
      [GIF, 'image/gif'],
      [WEBP, 'image/webp'],
    ] as const) {
      const res = await visitorUpload(bytes, type);
      assert.equal(res.status, 201, type);
    }
    const refused: Array<[Buffer, string]> = [
      [HTML, 'text/html'],
      [SVG, 'image/svg+xml'],
      [HTML, 'image/png'],
      [GIF, 'image/png'],
      [PNG, 'application/pdf'],
      [PDF, 'application/octet-stream'],
    ];
    for (const [bytes, type] of refused) {
      const res = await visitorUpload(bytes, type);
      assert.equal(res.status, 415, `${type} ${bytes.subarray(0, 8).toString('hex')}`);
      const body = (await res.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'unsupported_type');
    }
    const big = Buffer.concat([PNG, Buffer.alloc(MAX)]);
    const tooBig = await visitorUpload(big, 'image/png');
    assert.equal(tooBig.status, 413);
    assert.equal(((await tooBig.json()) as { error: { code: string } }).error.code, 'body_too_large');
    const empty = await visitorUpload(Buffer.alloc(0), 'image/png');
    assert.equal(empty.status, 400);
    const noToken = await visitorUpload(PNG, 'image/png', 'ct_notavalidtokenatall');
    assert.equal(noToken.status, 401);
  });

  it('only the uploading side may send an upload, once, in its own conversation', async () => {
    const { v: other, cid: otherId } = await chatWithSales();
    try {
      const theirs = await other.upload({ bytes: PNG, name: 'x.png', contentType: 'image/png' });
      await assert.rejects(visitor.send('look', undefined, [theirs]), { code: 'invalid_attachment' });
      const agents = await sales.upload(otherId, { bytes: PNG, name: 'a.png', contentType: 'image/png' });
      await assert.rejects(other.send('mine?', undefined, [agents]), { code: 'invalid_attachment' });
      await assert.rejects(sales.send(otherId, 'not yours', { attachments: [theirs] }), {
        code: 'invalid_attachment',
      });
      await other.send('first', undefined, [theirs]);
      await assert.rejects(other.send('again', undefined, [theirs]), { code: 'invalid_attachment' });
      await assert.rejects(other.send(''), { code: 'empty_message' });
      const six = Array.from({ length: 6 }, () => theirs);
      await assert.rejects(other.send('six', undefined, six), { code: 'bad_frame' });
      // A visitor's upload that was never sent stays private; unrelated agents never see the files.
      const unsent = await other.upload({ bytes: GIF, name: 'draft.gif', contentType: 'image/gif' });
      assert.equal((await agentGet(`/api/v1/conversations/${otherId}/attachments/${unsent.id}`)).status, 404);
      const support = await cookieFor(srv, 'support@demo.beckon.local');
      const sent = `/api/v1/conversations/${otherId}/attachments/${theirs.id}`;
      assert.equal((await agentGet(sent)).status, 200);
      assert.equal((await agentGet(sent, support.cookie)).status, 404, 'an agent who may not see the chat');
      assert.equal((await fetch(`${srv.url}${sent}`)).status, 401, 'no session');
      assert.equal((await agentGet(`/api/v1/conversations/${id}/attachments/${theirs.id}`)).status, 404);
    } finally {
      await other.close();
    }
  });

  it('keeps files of internal notes from the visitor, even with a URL signed for them', async () => {
    const file = await sales.upload(id, { bytes: PNG, name: 'crm.png', contentType: 'image/png' });
    const ack = await sales.send(id, 'internal screenshot', { note: true, attachments: [file] });
    const row = await srv.node.ctx.store.attachments.find(id, file.id);
    assert.equal(row?.message_seq, ack.seq);
    const signed = chatOf(srv.node.ctx)!.attachments.urls.visitorUrl(id, file.id);
    assert.equal((await fetch(signed)).status, 404);
    assert.equal((await agentGet(file.url)).status, 200, 'agents see it');
  });

  it('refuses uploads with 409 once the chat is closed, and with 429 when they come too fast', async () => {
    const { v, cid } = await chatWithSales();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) statuses.push((await visitorUpload(PNG, 'image/png', v.token)).status);
      assert.deepEqual(
        [statuses.filter((s) => s === 201).length, statuses.at(-1)],
        [20, 429],
        statuses.join(','),
      );
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      assert.match(metrics, /beckon_chat_rate_limited_total\{action="upload",scope="conversation"\} [1-9]/);
      await sales.close(cid);
      const closed = await post(`/api/v1/conversations/${cid}/attachments`, PNG, {
        cookie: salesCookie,
        'x-csrf-token': salesCsrf,
        'content-type': 'image/png',
      });
      assert.equal(closed.status, 409);
      const noCsrf = await post(`/api/v1/conversations/${id}/attachments`, PNG, {
        cookie: salesCookie,
        'content-type': 'image/png',
      });
      assert.equal(noCsrf.status, 403);
    } finally {
      await v.close();
    }
  });

  it('removes uploads nobody sent after a day, bytes and all; sent files stay', async () => {
    const { store } = srv.node.ctx;
    const draft = await visitor.upload({ bytes: GIF, name: 'draft.gif', contentType: 'image/gif' });
    const kept = await visitor.upload({ bytes: PNG, name: 'kept.png', contentType: 'image/png' });
    await visitor.send('kept', undefined, [kept]);
    const dayAgo = Date.now() - 25 * 3600_000;
    await store.db
      .updateTable('attachments')
      .set({ created_at: dayAgo })
      .where('id', 'in', [draft.id, kept.id])
      .execute();
    const dir = join(srv.dataDir, 'attachments', srv.demo!.accountId);
    const removed = await chatOf(srv.node.ctx)!.attachments.sweepUnsent();
    assert.ok(removed >= 1);
    assert.equal(await store.attachments.find(id, draft.id), undefined);
    assert.equal(existsSync(join(dir, draft.id)), false);
    assert.ok(existsSync(join(dir, kept.id)));
    assert.equal((await fetch(kept.url)).status, 200);
    await assert.rejects(visitor.send('too late', undefined, [draft]), { code: 'invalid_attachment' });
  });

  it('keeps hostile file names verbatim as data and never lets them break the headers', async () => {
    const names = [
      '<img src=x onerror=alert(1)>.png',
      'javascript:alert(1)//.png',
      '"; filename=evil.html; x=".png',
      'résumé\u202Egnp.exe.png',
    ];
    for (const name of names) {
      const a = await visitor.upload({ bytes: PNG, name, contentType: 'image/png' });
      assert.equal(a.name, name.replace('\u202E', ''));
      const res = await fetch(a.url);
      assert.equal(res.status, 200);
      const cd = res.headers.get('content-disposition')!;
      // One quoted-string (quotes escaped inside it), then at most the RFC 8187 form: no injected parameters.
      assert.match(cd, /^inline; filename="(?:[^"\\]|\\.)*"(; filename\*=UTF-8''[^;\s"]+)?$/, cd);
      assert.equal(res.headers.get('content-type'), 'image/png');
    }
    await assert.rejects(
      visitor.upload({ bytes: HTML, name: '<script>.html', contentType: 'text/html' }),
      (err: unknown) => err instanceof ChatRequestError && err.status === 415,
    );
  });
});
