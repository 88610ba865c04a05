import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type WebSocket from 'ws';
import { eventually, flush, newTenant } from '../../server/test/engagement-fixtures.ts';
import { startTestServer, type TestServer } from '../../server/test/helpers/test-server.ts';
import { AppTracker, memoryStorage, type StorageAdapter } from '../src/messaging/index.ts';
import { nodeSocketFactory } from '../src/messaging/node.ts';

/** One step of an app's life: events (then a pause), a restart, a cut socket, or events while offline. */
type Step =
  | { kind: 'events'; count: number; pauseMs: number }
  | { kind: 'restart' }
  | { kind: 'cut' }
  | { kind: 'offline'; count: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('events' as const),
    count: fc.integer({ min: 1, max: 160 }),
    pauseMs: fc.integer({ min: 0, max: 60 }),
  }),
  fc.constant({ kind: 'restart' as const }),
  fc.constant({ kind: 'cut' as const }),
  fc.record({ kind: fc.constant('offline' as const), count: fc.integer({ min: 1, max: 160 }) }),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`the app's offline queue over generated histories (${store})`, () => {
    let srv: TestServer;
    let siteKey: string;
    before(async () => {
      srv = await startTestServer({ store });
      siteKey = (await newTenant(srv)).site.siteKey;
    });
    after(() => srv.close());

    it('delivers every event exactly once, in order, through restarts, cuts and offline spells', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
          const storage: StorageAdapter = memoryStorage();
          const sockets: WebSocket[] = [];
          const open = (baseUrl: string) =>
            new AppTracker({
              baseUrl,
              siteKey,
              platform: 'android',
              appVersion: '1.0.0',
              storage,
              flushMs: 20,
              socketFactory: (url) => {
                const s = nodeSocketFactory(url);
                sockets.push(s as unknown as WebSocket);
                return s;
              },
            });
          const restart = async (app: AppTracker, baseUrl: string) => {
            await app.persisted();
            app.close();
            const next = open(baseUrl);
            await next.ready;
            return next;
          };
          let n = 0;
          let app = open(srv.url);
          await app.ready;
          for (const s of steps) {
            if (s.kind === 'events') {
              for (let i = 0; i < s.count; i++) app.event('tick', { n: n++ });
              await sleep(s.pauseMs);
            } else if (s.kind === 'restart') app = await restart(app, srv.url);
            else if (s.kind === 'cut') sockets.at(-1)?.terminate();
            else {
              app = await restart(app, 'http://127.0.0.1:9');
              for (let i = 0; i < s.count; i++) app.event('tick', { n: n++ });
              app = await restart(app, srv.url);
            }
          }
          const last = app;
          await eventually(() => last.pending === 0, 20_000);
          last.close();
          await flush(srv);
          const rows = await srv.node.ctx.store.db
            .selectFrom('event_frames')
            .select(['batch_id', 'frame', 'ts'])
            .where('visitor_id', '=', last.visitorId)
            .execute();
          const chunk = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));
          rows.sort((a, b) => chunk(a.batch_id) - chunk(b.batch_id));
          for (let i = 1; i < rows.length; i++)
            assert.ok(
              Number(rows[i]!.ts) >= Number(rows[i - 1]!.ts),
              'the server received the batches in order',
            );
          const seen = rows.flatMap((r) =>
            (JSON.parse(r.frame) as { events: { props: { n: number } }[] }).events.map((e) => e.props.n),
          );
          assert.deepEqual(
            seen,
            Array.from({ length: n }, (_, i) => i),
          );
        }),
        { numRuns: 12 },
      );
    });
  });
}
