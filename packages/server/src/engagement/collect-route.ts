import {
  type BatchFrame,
  describeFrameError,
  isClientFrame,
  MAX_FRAME_BYTES,
  salvageBatch,
} from '@beckon/protocol';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { AppError, badRequest, forbidden } from '../errors.ts';
import { visitorAddress } from '../privacy/ip-anonymizer.ts';
import { clientAddress } from '../web/client-address.ts';
import type { App } from '../web/types.ts';
import type { RefusalReason } from './engagement-metrics.ts';
import type { EngagementRuntime } from './engagement-runtime.ts';
import { SiteDirectory } from './site-directory.ts';

/** The `sendBeacon` endpoint: `POST /t/collect?siteKey=KEY`. */
export const COLLECT_PATH = '/t/collect';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const Query = Type.Object({ siteKey: Type.String({ minLength: 1, maxLength: 64 }) });
const tooMany = () => new AppError(429, 'rate_limited', 'too many requests');

/** The body a beacon carries (as text/plain JSON, so the browser sends it without a preflight). */
export interface CollectBody {
  visitorId: string;
  sessionId?: string;
  batch: BatchFrame;
  /** Events dropped for breaking the schema (the rest of the batch applies). */
  refusedEvents?: number;
}

/** Parses and checks a beacon body with the same compiled validator as the socket; throws 400 with the reason. */
export function parseCollectBody(body: unknown): CollectBody {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw badRequest('body is not valid JSON', 'bad_json');
    }
  }
  const v = value as Partial<CollectBody> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw badRequest('body must be an object', 'bad_frame');
  for (const k of Object.keys(v)) {
    if (k !== 'visitorId' && k !== 'sessionId' && k !== 'batch')
      throw badRequest(`/${k}: unknown property`, 'bad_frame');
  }
  if (typeof v.visitorId !== 'string' || !ID.test(v.visitorId))
    throw badRequest('/visitorId: invalid id', 'bad_frame');
  if (v.sessionId !== undefined && (typeof v.sessionId !== 'string' || !ID.test(v.sessionId))) {
    throw badRequest('/sessionId: invalid id', 'bad_frame');
  }
  if (!isClientFrame(v.batch) || v.batch.type !== 'batch') {
    // As on the socket: events that break the schema are dropped, the rest of the batch applies.
    const salvaged = salvageBatch(v.batch);
    if (salvaged)
      return { ...(v as CollectBody), batch: salvaged.frame, refusedEvents: salvaged.refused.length };
    const b = v.batch as { type?: unknown } | null | undefined;
    const why =
      typeof b !== 'object' || b === null || Array.isArray(b)
        ? ': must be an object'
        : b.type !== 'batch'
          ? '/type: must be batch'
          : describeFrameError(b).replace(/^\/:/, ':');
    throw badRequest(`/batch${why}`, 'bad_frame');
  }
  return v as CollectBody;
}

/** Registers the beacon endpoint: same site, origin, rate-limit and schema checks as the socket; 204 when applied. */
export function registerCollectRoute(app: App, rt: EngagementRuntime): void {
  const cors = (reply: FastifyReply, origin: string | undefined) => {
    if (origin) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  };

  app.options(COLLECT_PATH, { schema: { hide: true } }, async (req, reply) => {
    cors(reply, req.headers.origin);
    return reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'content-type')
      .header('access-control-max-age', '86400')
      .code(204)
      .send();
  });

  app.post(
    COLLECT_PATH,
    { schema: { hide: true, querystring: Query }, bodyLimit: MAX_FRAME_BYTES + 1024 },
    async (req, reply) => {
      const now = Date.now();
      const count = (r: { reason: RefusalReason }) => rt.metrics.refusals.inc(r);
      const site = await rt.sites.byKey(req.query.siteKey, now);
      if (!site) {
        count({ reason: 'unknown_site' });
        throw forbidden('unknown site key');
      }
      const origin = req.headers.origin;
      if (!SiteDirectory.originAllowed(site, origin)) {
        count({ reason: 'origin' });
        throw forbidden('origin not allowed for this site');
      }
      cors(reply, origin);
      const raw = clientAddress(req.raw);
      const address = visitorAddress(site, raw);
      if (!rt.addresses.connect(address, now) || !rt.addresses.framesOf(address, now).take(now)) {
        count({ reason: 'address_rate' });
        throw tooMany();
      }
      let body: CollectBody;
      try {
        body = parseCollectBody(req.body);
      } catch (err) {
        count({ reason: (err as AppError).code === 'bad_json' ? 'bad_json' : 'bad_frame' });
        throw err;
      }
      await rt.targeting.ensure(site.accountId);
      const live = await rt.tracker.acquire(site, body.visitorId, 'other');
      if (!live.frames.take(now)) {
        count({ reason: 'visitor_rate' });
        throw tooMany();
      }
      if (body.refusedEvents) rt.metrics.refusals.inc({ reason: 'bad_event' }, body.refusedEvents);
      // A visit that began with a beacon is located once, from the whole address, before it is cut.
      if (live.state.geo === undefined) rt.tracker.locate(live, await rt.locate(raw));
      rt.tracker.applyBatch(live, body.batch, null, now);
      rt.metrics.batchesBeacon.inc();
      return reply.code(204).send();
    },
  );
}
