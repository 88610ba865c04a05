// The `phone` workload (W15) with two calls: real SIP through Janus to baresip phones, answered
// by Chromium pages. Apart from workloads-smoke.test.ts because it takes about 30 s on a loaded
// machine. It must return its figures under the PERFORMANCE.md names, with media flowing on every
// call; it asserts no speed. Without janus or baresip it skips with one line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baresipInstalled } from '../../e2e/helpers/sip-phone.ts';
import { janusInstalled } from '../../scripts/janus-gateway.mjs';
import type { Workload } from '../src/types.ts';

const skip = janusInstalled() && baresipInstalled() ? false : 'janus or baresip is not installed';

describe('bench workload phone (smoke)', { skip, timeout: 180_000 }, () => {
  it('two calls through the gateway: set-up times, the node’s CPU per call second, media both ways', async () => {
    const run = (await import('../src/workloads/phone.ts')).default as Workload;
    const r = await run({ duration: 4, flags: { calls: '2', rounds: '1' }, log: () => {} });
    assert.equal(r.workload, 'phone');
    for (const k of ['setup_p50_ms', 'setup_p99_ms', 'concurrent_calls', 'cpu_ms_per_call_s']) {
      assert.equal(typeof r[k], 'number', `${k}: ${String(r[k])}`);
      assert.ok(Number.isFinite(r[k] as number) && (r[k] as number) > 0, `${k}: ${String(r[k])}`);
    }
    assert.equal(r.concurrent_calls, 2, 'both calls were up at once');
    assert.ok((r.min_rtp_packets_to_browser as number) > 0, 'the phones’ audio reached the browsers');
    assert.ok((r.min_rtp_packets_from_browser as number) > 0, 'the browsers sent audio to the gateway');
    assert.ok((r.min_phone_heard_bytes as number) > 44, 'the phones decoded the agents’ audio');
    assert.equal(r.agent_errors, 0);
  });
});
