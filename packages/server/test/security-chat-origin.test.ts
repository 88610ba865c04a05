import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VisitorChatClient } from '@beckon/sdk/chat-client';
import { FrameSocket, wsUrl } from '@beckon/sdk/frame-socket';
import { newTenant } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const SHOP = 'https://shop.example';
const EVIL = 'https://evil.example';
const ELSEWHERE = { code: 'forbidden', message: 'this origin may not use this site key' };

describe('the site’s origin allow-list holds for a chat reopened with its token', () => {
  let srv: TestServer;
  let token: string;
  before(async () => {
    srv = await startTestServer();
    const t = await newTenant(srv, [SHOP]);
    const chat = await VisitorChatClient.start(
      srv.url,
      t.site.siteKey,
      { visitorId: 'v1' },
      { origin: SHOP },
    );
    token = chat.token;
    await chat.close();
  });
  after(() => srv.close());

  /** Says hello with the token from `origin` (none: no header); the first frame back and how the socket ended. */
  const hello = async (origin?: string) => {
    const s = FrameSocket.connect<{ type: string; code?: string; message?: string }>(
      wsUrl(srv.url, '/v1/chat'),
      origin ? { origin } : {},
    );
    const first = s.next(() => true);
    await s.opened;
    s.send({ type: 'hello', token });
    const frame = await first;
    s.ws.close();
    return { frame, close: (await s.closed).code };
  };
  const rest = async (origin?: string) => {
    const res = await new ApiClient(srv.node.app).request('GET', '/api/v1/chat/conversation', undefined, {
      'x-beckon-chat-token': token,
      ...(origin ? { origin } : {}),
    });
    return { status: res.status, error: res.body.error };
  };

  it('refuses hello from an Origin outside the allow-list: an error frame, then 4403', async () => {
    const { frame, close } = await hello(EVIL);
    assert.deepEqual({ code: frame.code, message: frame.message }, ELSEWHERE);
    assert.equal(frame.type, 'error');
    assert.equal(close, 4403);
  });

  it('answers as the REST chat routes do, for an outside Origin, an allowed one, and none', async () => {
    assert.deepEqual(await rest(EVIL), { status: 403, error: ELSEWHERE });
    assert.equal((await hello(SHOP)).frame.type, 'welcome');
    assert.equal((await rest(SHOP)).status, 200);
    // No Origin: not a browser page on another site (browsers always send one there); both admit it.
    assert.equal((await hello()).frame.type, 'welcome');
    assert.equal((await rest()).status, 200);
  });
});
