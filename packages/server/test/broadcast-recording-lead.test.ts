import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bookedAhead } from '../src/broadcasts/broadcast-sender.ts';
import type { BeckonNode } from '../src/node.ts';
import { newTenant } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import type { PgTestStore } from './helpers/schema-template.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { broadcastTestEnv, pgStoreFor, startNodeOn as startNode } from './helpers/store-node.ts';
import type { TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

describe('how far a page booked ahead of its channels', () => {
  it('counts from now, or from the later time a contact could first be sent to', () => {
    const now = 1_000_000;
    assert.equal(bookedAhead([], now), 0);
    assert.equal(bookedAhead([{ at: now + 500, earliest: now - 9_000 }], now), 500);
    // A local-time send due in an hour, booked at its first free moment: not ahead of its channel.
    assert.equal(bookedAhead([{ at: now + 3_600_000, earliest: now + 3_600_000 }], now), 0);
    assert.equal(
      bookedAhead(
        [
          { at: now + 100, earliest: now },
          { at: now + 3_602_000, earliest: now + 3_600_000 },
        ],
        now,
      ),
      2_000,
    );
  });
});

/**
 * A send held at its channels' throughput records its recipients about as fast as they leave, a
 * lead ahead of them, not all at once: recording is most of a send's work, and done in one burst it
 * held the node's socket thread for minutes (bench/notes.md, W12). Cancelled while it waits, it
 * records nobody more.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`a paced broadcast records its recipients as they leave (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 120_000,
  }, () => {
    let sink: SmtpSink;
    let dataDir: string;
    let pg: PgTestStore | undefined;
    let node: BeckonNode;
    let t: Awaited<ReturnType<typeof newTenant>>;
    const api = () => {
      const a = new ApiClient(node.app);
      a.bearer = t.api.bearer;
      return a;
    };
    const funnel = async (id: string) => {
      const r = await api().get(`/api/v1/broadcasts/${id}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { status: string; funnel: { targeted: number; sent: number; queued: number } };
    };
    /** A segment of `n` contacts reachable by e-mail only. */
    const segmentOf = async (batch: string, n: number) => {
      for (let i = 0; i < n; i++) {
        const c = await node.ctx.store.contacts.resolve(t.accountId, {
          name: `L ${i}`,
          email: `${batch}-${i}@example.com`,
        });
        await node.ctx.store.contacts.addAttributes(t.accountId, c.id, { batch });
      }
      const seg = await api().post('/api/v1/segments', {
        name: `Batch ${batch}`,
        filter: { field: 'attribute.batch', op: 'equals', value: batch },
      });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      assert.equal(seg.body.count, n);
      return seg.body.id as string;
    };
    const send = async (segmentId: string) => {
      const created = await api().post('/api/v1/broadcasts', {
        name: 'Lead',
        segmentId,
        channels: ['email'],
        holdoutPercent: 0,
        content: { email: { subject: 'News for {{name|you}}', text: 'Hello {{name|there}}.' } },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id as string;
    };
    const mailsTo = (batch: string) =>
      sink.mails.filter((m) => m.to.some((to) => to.startsWith(`${batch}-`))).map((m) => m.to[0]!);

    before(async () => {
      sink = await startSmtpSink();
      dataDir = mkdtempSync(join(tmpdir(), 'beckon-recording-lead-'));
      pg = await pgStoreFor(kind);
      node = await startNode(kind, dataDir, pg, {
        ...broadcastTestEnv(sink.url),
        BECKON_BROADCAST_PAGE: '4',
        // A second of sends booked ahead: at 10 mails a second, about 10 recipients.
        BECKON_BROADCAST_LEAD_MS: '1000',
      });
      t = await newTenant({ node } as TestServer);
      const limits = await api().request('PUT', '/api/v1/account/sending', {
        throughput: { emailPerMinute: 600 },
      });
      assert.equal(limits.status, 200, JSON.stringify(limits.body));
    });
    after(async () => {
      await node?.close();
      await sink?.close();
      await pg?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    /**
     * The most recipients the sender may have recorded `ms` after the send began: the sends booked
     * up to a second (the lead) past that moment at 10 a second, plus the page that crossed the lead
     * and one on its way. Counted by the clock, not by mails arrived, so a busy machine's slow relay
     * cannot fail it; without the lead all are recorded at once.
     */
    const mostRecorded = (ms: number) => 8 + Math.ceil(10 * (1 + ms / 1000));

    it('the recipients recorded stay about a second of sends ahead of the clock, and each gets one', async () => {
      const batch = `lead-${kind}`;
      const segmentId = await segmentOf(batch, 40);
      const t0 = Date.now();
      const id = await send(segmentId);
      // Four seconds of mails at 10 a second: the sender records them about as fast.
      let samples = 0;
      for (;;) {
        const f = await funnel(id);
        const elapsed = Date.now() - t0;
        if (f.funnel.targeted >= 40) break;
        samples++;
        assert.ok(
          f.funnel.targeted <= mostRecorded(elapsed),
          `${f.funnel.targeted} recorded ${elapsed} ms after the send began`,
        );
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(samples >= 5, `sampled the send ${samples} times`);
      await eventually(() => mailsTo(batch).length === 40, 30_000, 'every recipient gets their mail');
      await eventually(async () => (await funnel(id)).status === 'sent', 10_000, 'the broadcast is sent');
      const to = mailsTo(batch);
      assert.equal(new Set(to).size, 40, 'nobody got two');
      assert.equal((await funnel(id)).funnel.sent, 40);
    });

    it('cancelled while it waits for its channels, it records nobody more', async () => {
      const batch = `lead-cancel-${kind}`;
      const segmentId = await segmentOf(batch, 60);
      const t0 = Date.now();
      const id = await send(segmentId);
      await eventually(() => mailsTo(batch).length >= 3, 30_000, 'the first mails leave');
      const cancelled = await api().post(`/api/v1/broadcasts/${id}/cancel`, {});
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      const atCancel = (await funnel(id)).funnel.targeted;
      const elapsed = Date.now() - t0;
      assert.ok(
        atCancel <= mostRecorded(elapsed),
        `${atCancel} of 60 recorded ${elapsed} ms in, at the cancel`,
      );
      // Longer than the lease and the lead together: a sender still going would have recorded more.
      await new Promise((r) => setTimeout(r, 2_500));
      const later = await funnel(id);
      assert.equal(later.status, 'cancelled');
      assert.ok(later.funnel.targeted <= atCancel + 4, `${later.funnel.targeted} recorded after the cancel`);
      assert.ok(mailsTo(batch).length <= later.funnel.targeted, 'no mail to anyone not recorded');
    });
  });
}
