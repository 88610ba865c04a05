import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { newTenant } from './engagement-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`the frequency cap across broadcasts and campaigns (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 120_000,
  }, () => {
    let srv: TestServer;
    let t: Awaited<ReturnType<typeof newTenant>>;
    const store = () => srv.node.ctx.store;
    let run = 0;

    before(async () => {
      srv = await startTestServer({ store: kind });
      t = await newTenant(srv);
    });
    after(async () => {
      await srv?.close();
    });

    it('senders booking the same contacts at once never pass the cap, and each gets what fits', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 3 }),
          // Each sender: a broadcast or a campaign, and which of four contacts it reaches.
          fc.array(
            fc.record({
              kind: fc.constantFrom('broadcast' as const, 'campaign' as const),
              who: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
            }),
            { minLength: 2, maxLength: 6 },
          ),
          async (cap, senders) => {
            run++;
            await store().sendingSettings.change(t.accountId, { cap_messages: cap, cap_days: 7 }, Date.now());
            const contacts: { id: string }[] = [];
            for (let i = 0; i < 4; i++)
              contacts.push(
                await store().contacts.resolve(t.accountId, { email: `cap-${kind}-${run}-${i}@example.com` }),
              );
            const now = Date.now();
            // All at once: each sender books its contacts in one transaction, as a broadcast's page does.
            const admitted = await Promise.all(
              senders.map((s, i) =>
                store()
                  .db.transaction()
                  .execute(async (trx) => {
                    const bookings = s.who.map((c) => ({
                      contactId: contacts[c]!.id,
                      kind: s.kind,
                      ref: `${s.kind}-${run}-${i}`,
                    }));
                    return (await store().contactMessages.book(trx, t.accountId, bookings, now)).size;
                  }),
              ),
            );
            const rows = await store()
              .db.selectFrom('contact_messages')
              .select(['contact_id'])
              .where(
                'contact_id',
                'in',
                contacts.map((c) => c.id),
              )
              .execute();
            for (const [i, c] of contacts.entries()) {
              const wanted = senders.filter((s) => s.who.includes(i)).length;
              const got = rows.filter((r) => r.contact_id === c.id).length;
              assert.equal(got, Math.min(cap, wanted), `contact ${i}: ${got} messages, cap ${cap}`);
            }
            assert.equal(
              admitted.reduce((a, b) => a + b, 0),
              rows.length,
            );
          },
        ),
        { numRuns: 12 },
      );
    });

    it('without a cap every message is booked; a booking taken back no longer counts', async () => {
      await store().sendingSettings.change(t.accountId, { cap_messages: null, cap_days: null }, Date.now());
      const c = await store().contacts.resolve(t.accountId, { email: `nocap-${kind}@example.com` });
      for (let i = 0; i < 3; i++)
        assert.equal(
          await store().contactMessages.bookOne(t.accountId, {
            contactId: c.id,
            kind: 'campaign',
            ref: `x${i}`,
          }),
          true,
        );
      await store().sendingSettings.change(t.accountId, { cap_messages: 3, cap_days: 1 }, Date.now());
      const next = { contactId: c.id, kind: 'broadcast' as const, ref: 'bc_next' };
      assert.equal(await store().contactMessages.bookOne(t.accountId, next), false);
      await store().contactMessages.cancel({ contactId: c.id, kind: 'campaign', ref: 'x0' });
      assert.equal(await store().contactMessages.bookOne(t.accountId, next), true);
      // The same broadcast again is the same message, not a second one.
      assert.equal(await store().contactMessages.bookOne(t.accountId, next), true);
    });
  });
}
