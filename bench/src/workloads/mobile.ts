// W14 mobile: app sessions over the SDK's socket. An app (the SDK's AppTracker, unchanged) says
// hello with its platform and version, reports a screen that makes an app campaign true, and waits
// for the engagement. `decision_p99_ms` is the server's share: from the batch frame holding the
// screen leaving the device's socket to the engage frame arriving on it. The same trials also give
// the whole SDK path (`sdk_screen_to_engagement_p99_ms`: from `screen()` to the `engagement` event,
// which includes the SDK's batching delay, 100 ms by default). Every trial runs under background
// shoppers paced at half of the node's W1 maximum (measured first, in the same run), as W2 does.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { AppTracker } from '../../../packages/sdk/src/messaging/app-tracker.ts';
import type { SocketLike } from '../../../packages/sdk/src/messaging/socket.ts';
import { APP_TRIGGER_SECTION, BENCH_ORIGIN } from '../servers/bench-site.ts';
import { percentile, round } from '../stats.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { beckonTarget } from './ingest.ts';
import { measureUiBundle } from './mobile-bundle.ts';
import { halfLoadFigures, trialsAtHalfLoad } from './targeting.ts';

interface Trial {
  /** Batch frame with the screen sent → engage frame received, on the socket. */
  decisionMs: number;
  /** `screen()` called → `engagement` emitted by the SDK. */
  sdkMs: number;
}

/** One app install: connect, open a screen of the campaign's section, time the engagement. */
async function trial(baseUrl: string, siteKey: string, flushMs: number): Promise<Trial> {
  let sentAt = 0;
  let engageAt = 0;
  const tracker = new AppTracker({
    baseUrl,
    siteKey,
    platform: 'ios',
    appVersion: '3.2.0',
    reconnect: false,
    flushMs,
    // The SDK's own socket through `ws`, stamped where the frames cross it.
    socketFactory: (url) => {
      const ws = new WebSocket(url, { headers: { origin: BENCH_ORIGIN }, perMessageDeflate: false });
      const send = ws.send.bind(ws);
      ws.send = ((data: string) => {
        if (sentAt === 0 && data.includes(APP_TRIGGER_SECTION)) sentAt = performance.now();
        send(data);
      }) as typeof ws.send;
      // Registered before the SDK's own handler, so it stamps the frame first.
      ws.on('message', (data) => {
        if (engageAt === 0 && data.toString().startsWith('{"type":"engage"')) engageAt = performance.now();
      });
      return ws as unknown as SocketLike;
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no welcome within 5 s')), 5000);
      tracker.on('connection', (state) => {
        if (state === 'open') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const engaged = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no engagement within 5 s')), 5000);
      tracker.on('engagement', () => {
        clearTimeout(timer);
        resolve(performance.now());
      });
    });
    const calledAt = performance.now();
    tracker.screen({ name: 'Checkout', section: APP_TRIGGER_SECTION, params: { items: 2 } });
    const emittedAt = await engaged;
    return { decisionMs: engageAt - sentAt, sdkMs: emittedAt - calledAt };
  } finally {
    tracker.close();
  }
}

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const flushMs = Number(opts.flags['flush-ms'] ?? 100);
  const target = await beckonTarget(50, { BENCH_APP_CAMPAIGN: '1' });
  try {
    const baseUrl = `http://127.0.0.1:${target.port}`;
    const r = await trialsAtHalfLoad(target, opts, () => trial(baseUrl, target.siteKey, flushMs));
    const decisions = r.results.map((x) => x.decisionMs);
    const sdk = r.results.map((x) => x.sdkMs);
    const p99 = percentile(decisions, 99);
    opts.log(
      `  ${decisions.length} app engagements under ${Math.round(r.backgroundEventsPerSecond)} events/s (${(r.backgroundShareOfMax * 100).toFixed(0)} % of max): decision p50 ${percentile(decisions, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
    );
    const uiBundleGzipBytes = (await measureUiBundle()).ui_bundle_gzip_bytes;
    return {
      ...halfLoadFigures(r, opts),
      workload: 'mobile',
      campaigns: 51,
      decision_p50_ms: round(percentile(decisions, 50)),
      decision_p99_ms: round(p99),
      decision_max_ms: round(Math.max(...decisions)),
      target_decision_p99_ms: 50,
      sdk_flush_ms: flushMs,
      sdk_screen_to_engagement_p50_ms: round(percentile(sdk, 50)),
      sdk_screen_to_engagement_p99_ms: round(percentile(sdk, 99)),
      // BenchResult holds numbers and strings; `null` is printed as the JSON null the issue asks for.
      ui_bundle_gzip_bytes: uiBundleGzipBytes,
    };
  } finally {
    await target.stop();
  }
}
