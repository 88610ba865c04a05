import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegistrationRetry } from '../src/phone/registration-retry.ts';

describe('a failed trunk registration is retried with backoff', () => {
  it('waits the first delay, doubles it with each failure in a row up to the longest, and starts over after a success', () => {
    const retry = new RegistrationRetry(30_000, 600_000);
    const now = 1_000_000;
    const waits = Array.from({ length: 8 }, () => retry.schedule('trk_a', () => {}, now) - now);
    assert.deepEqual(waits, [30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000]);
    // Another trunk has its own count.
    assert.equal(retry.schedule('trk_b', () => {}, now) - now, 30_000);
    // Replacing a registration drops its pending try but not the count; a success starts over.
    retry.cancel('trk_a');
    assert.equal(retry.schedule('trk_a', () => {}, now) - now, 600_000);
    retry.reset('trk_a');
    assert.equal(retry.schedule('trk_a', () => {}, now) - now, 30_000);
    retry.stop();
  });

  it('runs the try when its time comes, and not after the trunk was reset or the node stopped', async () => {
    const retry = new RegistrationRetry(20, 1000);
    const ran: string[] = [];
    retry.schedule('trk_a', () => ran.push('a'));
    retry.schedule('trk_b', () => ran.push('b'));
    retry.schedule('trk_c', () => ran.push('c'));
    retry.reset('trk_b');
    const deadline = Date.now() + 5000;
    while (!ran.includes('a') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    retry.stop();
    await new Promise((r) => setTimeout(r, 60));
    assert.ok(ran.includes('a'));
    assert.ok(!ran.includes('b'), 'a reset trunk is not tried');
  });
});
