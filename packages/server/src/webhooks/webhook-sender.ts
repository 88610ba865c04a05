import type { Egress } from '../egress/egress.ts';
import { EgressError } from '../egress/egress-error.ts';
import type { AttemptResult } from '../store/webhooks-repo.ts';
import type { WebhookOptions } from './webhook-config.ts';

/** The most of an answer's body read (and kept, as an excerpt) per attempt. */
export const EXCERPT_BYTES = 1024;

export interface PostResult extends AttemptResult {
  ok: boolean;
}

/**
 * Posts one delivery through the egress (addresses checked, the checked one connected to), with a
 * connect timeout and a deadline for the whole attempt (a receiver answering byte by byte is cut
 * off), redirects never followed, and at most `EXCERPT_BYTES` of the answer read. Success is a 2xx.
 */
export class WebhookSender {
  constructor(
    /** The one way out, shared with what else the owner reaches (a bot engine's model server). */
    readonly egress: Egress,
    private readonly opts: Pick<WebhookOptions, 'connectTimeoutMs' | 'timeoutMs'>,
    /** The most of an answer's body read (a bot's answer is read whole, up to its own limit). */
    private readonly maxBytes = EXCERPT_BYTES,
  ) {}

  async post(target: string, headers: Record<string, string>, body: string): Promise<PostResult> {
    const started = performance.now();
    const done = (r: Omit<PostResult, 'durationMs'>): PostResult => ({
      ...r,
      durationMs: Math.round(performance.now() - started),
    });
    try {
      const res = await this.egress.request(target, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Beckon-Webhooks/1' },
        body,
        timeoutMs: this.opts.timeoutMs,
        connectTimeoutMs: this.opts.connectTimeoutMs,
        maxBytes: this.maxBytes,
        overflow: 'cut',
        redirect: 'manual',
      });
      const excerpt = res.body.length > 0 ? res.body.toString('utf8') : null;
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.location;
        const where = location ? ` to ${String(location).slice(0, 200)}` : '';
        return done({
          ok: false,
          status: res.status,
          excerpt,
          error: `redirect${where} not followed (HTTP ${res.status})`,
        });
      }
      const ok = res.status >= 200 && res.status < 300;
      return done({ ok, status: res.status, excerpt, error: ok ? null : `HTTP ${res.status}` });
    } catch (err) {
      const status = err instanceof EgressError ? err.status : null;
      // A 2xx whose body trickles in or breaks off still counts: the receiver took the event.
      if (status !== null && status >= 200 && status < 300)
        return done({ ok: true, status, excerpt: null, error: null });
      return done({ ok: false, status, excerpt: null, error: (err as Error).message });
    }
  }
}
