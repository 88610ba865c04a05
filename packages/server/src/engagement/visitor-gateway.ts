import type { IncomingMessage } from 'node:http';
import type { VisitorGeo } from '@beckon/core';
import { CloseCode, ErrorCode } from '@beckon/protocol';
import type { AppContext } from '../context.ts';
import { visitorAddress } from '../privacy/ip-anonymizer.ts';
import type { WsGuard, WsHandler, WsRefusal } from '../realtime/ws-router.ts';
import { clientAddress } from '../web/client-address.ts';
import type { EngagementRuntime } from './engagement-runtime.ts';
import { SiteDirectory, type SiteInfo } from './site-directory.ts';

/** The visitor WebSocket endpoint the tag connects to: `/v1/visitor?siteKey=KEY`. */
export const VISITOR_WS_PATH = '/v1/visitor';

/** Accepts the socket only to close it with `code`, after an error frame the tag logs. */
const refusal = (close: number, code: ErrorCode, message: string): WsRefusal => ({
  close,
  reason: message,
  frame: JSON.stringify({ type: 'error', code, message }),
});

/**
 * Registers the visitor WebSocket on the node's upgrade router. The guard refuses unknown site
 * keys and origins outside the site's allow-list with 4403 (the tag then stops for good) and
 * addresses opening sockets too fast with 4429 (the tag backs off) — as close codes after the
 * upgrade, since a browser never sees an HTTP status; each refusal is counted by reason.
 * Accepted sockets are pinged; one that stops answering is closed with 4408 and its visitor
 * released, so half-open connections do not pin visitors in memory.
 */
export function registerVisitorGateway(ctx: AppContext, rt: EngagementRuntime): void {
  const admitted = new WeakMap<
    IncomingMessage,
    { site: SiteInfo; address: string; geo: VisitorGeo | null }
  >();

  const guard: WsGuard = async (req, url) => {
    const site = await rt.sites.byKey(url.searchParams.get('siteKey') ?? '');
    if (!site) {
      rt.metrics.refusals.inc({ reason: 'unknown_site' });
      return refusal(CloseCode.Forbidden, ErrorCode.Forbidden, 'unknown site key');
    }
    if (!SiteDirectory.originAllowed(site, req.headers.origin)) {
      rt.metrics.refusals.inc({ reason: 'origin' });
      return refusal(CloseCode.Forbidden, ErrorCode.Forbidden, 'origin not allowed for this site');
    }
    const raw = clientAddress(req);
    const address = visitorAddress(site, raw);
    if (!rt.addresses.connect(address, Date.now())) {
      rt.metrics.refusals.inc({ reason: 'connect_rate' });
      return refusal(CloseCode.RateLimited, ErrorCode.RateLimited, 'too many connections');
    }
    // Located from the whole address, before it is cut; only the coarse result goes on.
    const geo = await rt.locate(raw);
    await rt.targeting.ensure(site.accountId);
    admitted.set(req, { site, address, geo });
    return null;
  };

  const handler: WsHandler = (ws, req) => {
    const info = admitted.get(req);
    if (!info) {
      ws.close(1011, 'not admitted');
      return;
    }
    const conn = rt.accept(ws, info.site, info.address, info.geo);
    rt.heartbeat.add(ws, () => conn.heartbeatLost());
    ws.on('message', (data, isBinary) => conn.message(data as Buffer, isBinary));
    ws.on('close', () => {
      rt.heartbeat.remove(ws);
      conn.closed();
    });
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the socket itself (1009) when a frame exceeds maxPayload.
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') conn.refused('frame_too_large');
      else conn.refused('bad_frame');
    });
  };

  ctx.ws.route(VISITOR_WS_PATH, 'visitor', handler, guard);
}
