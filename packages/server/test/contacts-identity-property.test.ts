import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { identifyEvent, pageView, type VisitorClient } from '@beckon/sdk/index';
import fc from 'fast-check';
import { userHashOf } from '../src/channels/identity.ts';
import { CHAT_TOKEN_HEADER, hashVisitorToken, SITE_KEY_HEADER } from '../src/conversations/visitor-token.ts';
import { newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { NO_RATE_LIMITS } from './helpers/no-rate-limits.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

/**
 * Random histories of browsers (each its own tag visitor) and signed-in users: identify (over the
 * tag's socket and the widget's REST call, as a page does), start a chat, write, reload. After
 * each history: every conversation a signed-in browser started, or an anonymous one its browser
 * signed in on later, is that user's contact's; every token a browser holds opens only a
 * conversation of the user signed in there; every token taken away opens nothing.
 */
const BROWSERS = 3;
const USERS = 2;

type Step =
  | { kind: 'identify'; browser: number; user: number; socketFirst: boolean }
  | { kind: 'chat'; browser: number }
  | { kind: 'write'; browser: number }
  | { kind: 'reload'; browser: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('identify' as const),
    browser: fc.nat(BROWSERS - 1),
    user: fc.nat(USERS - 1),
    socketFirst: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('chat' as const), browser: fc.nat(BROWSERS - 1) }),
  fc.record({ kind: fc.constant('write' as const), browser: fc.nat(BROWSERS - 1) }),
  fc.record({ kind: fc.constant('reload' as const), browser: fc.nat(BROWSERS - 1) }),
);

const pgSkip = postgresSkipReasonNow();

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`identify in any order (${store}): a signed-in user's conversations are theirs alone`, {
    skip: store === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 240_000,
  }, () => {
    let srv: TestServer;
    let t: Awaited<ReturnType<typeof newTenant>>;
    let secret: string;
    let run = 0;
    let echo = 0;
    before(async () => {
      srv = await startTestServer({ store, env: NO_RATE_LIMITS });
      t = await newTenant(srv);
      secret = await srv.node.ctx.store.sites.identitySecret(t.accountId, t.site.id);
    });
    after(() => srv?.close());

    async function check(steps: Step[]): Promise<void> {
      run++;
      const db = srv.node.ctx.store;
      const site = { [SITE_KEY_HEADER]: t.site.siteKey };
      const userId = (u: number) => `r${run}-user-${u}`;
      /** What each browser holds, as the widget keeps it. */
      const browsers = Array.from({ length: BROWSERS }, (_, i) => ({
        visitorId: `r${run}-b${i}`,
        user: null as number | null,
        token: null as string | null,
        socket: null as VisitorClient | null,
      }));
      /** Whose each conversation must be (null: nobody signed in for it yet), by id, with its visitor. */
      const owners = new Map<string, { user: number | null; browser: number }>();
      const revoked: string[] = [];

      const restIdentify = async (b: (typeof browsers)[number], u: number) => {
        const r = await t.api.request(
          'POST',
          '/api/v1/chat/identify',
          { visitorId: b.visitorId, userId: userId(u), userHash: userHashOf(secret, userId(u)) },
          b.token ? { ...site, [CHAT_TOKEN_HEADER]: b.token } : site,
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
        if (r.body.released) {
          revoked.push(b.token!);
          b.token = null;
        }
        if (r.body.token && !b.token) b.token = r.body.token;
      };
      const tagIdentify = async (b: (typeof browsers)[number], u: number) => {
        b.socket ??= await visitor(srv, t.site.siteKey, b.visitorId);
        await b.socket.sendBatch([
          pageView('https://shop.example/'),
          identifyEvent({ userId: userId(u) }, { userHash: userHashOf(secret, userId(u)) }),
        ]);
        await runtime(srv).contacts.idle();
      };

      try {
        for (const s of steps) {
          const b = browsers[s.browser]!;
          if (s.kind === 'identify' || (s.kind === 'reload' && b.user !== null)) {
            const u = s.kind === 'identify' ? s.user : b.user!;
            // The browser's anonymous conversations become the user's once they sign in there.
            for (const o of owners.values()) if (o.browser === s.browser && o.user === null) o.user = u;
            b.user = u;
            const socketFirst = s.kind === 'identify' ? s.socketFirst : true;
            if (socketFirst) await tagIdentify(b, u);
            await restIdentify(b, u);
            if (!socketFirst) await tagIdentify(b, u);
          } else if (s.kind === 'chat' && !b.token) {
            const r = await t.api.request(
              'POST',
              '/api/v1/chat/conversations',
              { visitorId: b.visitorId, text: 'hello' },
              site,
            );
            assert.equal(r.status, 201, JSON.stringify(r.body));
            b.token = r.body.token as string;
            const started = await db.conversations.findByTokenHash(hashVisitorToken(b.token));
            owners.set(started!.conversation.id, { user: b.user, browser: s.browser });
          } else if (s.kind === 'write' && b.token) {
            const r = await t.api.request(
              'POST',
              '/api/v1/chat/messages',
              { text: 'more', echoId: `e${++echo}` },
              {
                [CHAT_TOKEN_HEADER]: b.token,
              },
            );
            assert.ok(r.status === 200 || r.status === 201, JSON.stringify(r.body));
          }
        }

        const contactOf = new Map<number, string>();
        for (let u = 0; u < USERS; u++) {
          const c = await db.contacts.resolve(t.accountId, { verified: true, externalId: userId(u) });
          contactOf.set(u, c.id);
        }
        for (const [id, o] of owners) {
          const c = await db.conversations.get(t.accountId, id);
          assert.equal(c.contactId, o.user === null ? null : contactOf.get(o.user), `conversation ${id}`);
        }
        for (const b of browsers) {
          if (!b.token) continue;
          const found = await db.conversations.findByTokenHash(hashVisitorToken(b.token));
          assert.ok(found, 'a token a browser holds still opens its chat');
          const wanted = b.user === null ? null : contactOf.get(b.user);
          assert.equal(found.conversation.contactId, wanted, 'the browser sees only its user’s chat');
        }
        for (const token of revoked) {
          assert.equal(await db.conversations.findByTokenHash(hashVisitorToken(token)), undefined);
        }
      } finally {
        for (const b of browsers) await b.socket?.close();
      }
    }

    it('holds over random histories of identify, chat, write and reload', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), (steps) => check(steps)),
        { numRuns: 25 },
      );
    });
  });
}
