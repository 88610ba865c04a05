import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import {
  AttributeSchemas,
  type AttrType,
  MAX_STRING_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_URL_LENGTH,
} from './attributes.ts';
import { DeliveredEngagementSchema } from './campaign.ts';
import { lazyCompile, type SchemaCheck } from './lazy-validator.ts';

/** Largest WebSocket frame (or beacon body) the gateway accepts, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Most events in one batch frame. */
export const MAX_BATCH_EVENTS = 50;
/** Most section labels on one page. */
export const MAX_SECTIONS = 16;
/** Longest section label or custom event name. */
export const MAX_NAME_LENGTH = 64;
/** Most keys in an event's props or in identify traits. */
export const MAX_PROPS = 32;
/** Longest id (visitor, session, batch, exposure, campaign). */
export const MAX_ID_LENGTH = 64;

/**
 * WebSocket close codes, mirroring HTTP statuses (4000 + status), plus the standard 1009 for a
 * frame over MAX_FRAME_BYTES. A client must not resend what it sent before 4400 or 1009, must stop
 * for good after 4403 (unknown site key, origin not allowed) and back off after 4429; 4408 (no
 * hello in time, or no answer to the server's pings) allows a normal reconnect.
 */
export const CloseCode = {
  TooLarge: 1009,
  BadFrame: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  Timeout: 4408,
  RateLimited: 4429,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Codes carried by the `error` frame. */
export const ErrorCode = {
  BadFrame: 'bad_frame',
  /** Some events of a batch broke the schema and were dropped; the rest was kept and is acknowledged. */
  BadEvent: 'bad_event',
  FrameTooLarge: 'frame_too_large',
  NotHelloFirst: 'hello_required',
  RateLimited: 'rate_limited',
  Forbidden: 'forbidden',
  Internal: 'internal',
  /** An identify's userHash does not match its userId: nothing was linked (the rest of the batch was kept). */
  IdentityUnverified: 'identity_unverified',
  /** A verified identify claimed an e-mail another verified user holds: nothing was linked. */
  IdentityConflict: 'identity_conflict',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const closed = { additionalProperties: false } as const;
const id = () => Type.String({ pattern: `^[A-Za-z0-9_-]{1,${MAX_ID_LENGTH}}$` });
const str = (max = MAX_STRING_LENGTH) => Type.String({ maxLength: max });
const url = () => Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH });
const ts = () => Type.Integer({ minimum: 0, maximum: 1e14 });
const name = () => Type.String({ minLength: 1, maxLength: MAX_NAME_LENGTH });
/** Keys of free-form maps: short, plain, and never a prototype key. */
const KEY_PATTERN = `^(?!__proto__$|constructor$|prototype$)[A-Za-z0-9_.:$-]{1,${MAX_NAME_LENGTH}}$`;
const scalarMap = () =>
  Type.Record(Type.String({ pattern: KEY_PATTERN }), Type.Union([str(), Type.Number(), Type.Boolean()]), {
    maxProperties: MAX_PROPS,
    additionalProperties: false,
  });
const sections = () => Type.Array(name(), { maxItems: MAX_SECTIONS });

export const DeviceSchema = Type.Union([
  Type.Literal('desktop'),
  Type.Literal('tablet'),
  Type.Literal('mobile'),
  Type.Literal('other'),
]);
export type Device = Static<typeof DeviceSchema>;

/** The app platforms the SDK reports (a web page says nothing: its platform is `web`). */
export const AppPlatformSchema = Type.Union([Type.Literal('ios'), Type.Literal('android')]);
export type AppPlatform = Static<typeof AppPlatformSchema>;

/** What an app says of itself in its hello (absent for a web page). */
export const AppInfoSchema = Type.Object(
  { platform: AppPlatformSchema, version: Type.String({ minLength: 1, maxLength: 32 }) },
  closed,
);
export type AppInfo = Static<typeof AppInfoSchema>;

export const HelloFrameSchema = Type.Object(
  {
    type: Type.Literal('hello'),
    visitorId: id(),
    sessionId: Type.Optional(id()),
    page: Type.Object(
      {
        url: url(),
        title: Type.Optional(str(MAX_TEXT_LENGTH)),
        referrer: Type.Optional(Type.String({ maxLength: MAX_URL_LENGTH })),
        sections: Type.Optional(sections()),
      },
      closed,
    ),
    device: DeviceSchema,
    tz: Type.Optional(Type.String({ maxLength: 64 })),
    consent: Type.Optional(Type.Boolean()),
    /**
     * This page's view was acknowledged on an earlier socket (a reconnect). A server that has lost
     * it since (a restart before its snapshot) takes the page from here instead.
     */
    resumed: Type.Optional(Type.Boolean()),
    /** Sent by an app through the SDK: its platform and version (campaigns read `platform`, `app.version`). */
    app: Type.Optional(AppInfoSchema),
  },
  closed,
);

export const PageViewEventSchema = Type.Object(
  {
    type: Type.Literal('page_view'),
    url: url(),
    title: Type.Optional(str(MAX_TEXT_LENGTH)),
    sections: Type.Optional(sections()),
    referrer: Type.Optional(Type.String({ maxLength: MAX_URL_LENGTH })),
    ts: ts(),
  },
  closed,
);

/**
 * An app's screen (the SDK's `screen()`): a page view of the app. Fields this version does not know
 * are ignored (an older server keeps a newer SDK's screens), unlike the web's closed events.
 */
export const ScreenEventSchema = Type.Object({
  type: Type.Literal('screen'),
  name: name(),
  section: Type.Optional(name()),
  params: Type.Optional(scalarMap()),
  ts: ts(),
});

/** The app came to the foreground or went to the background (the web's `visibility`). */
export const AppStateEventSchema = Type.Object(
  {
    type: Type.Literal('app_state'),
    state: Type.Union([Type.Literal('foreground'), Type.Literal('background')]),
    ts: ts(),
  },
  closed,
);

export const CustomEventSchema = Type.Object(
  { type: Type.Literal('event'), name: name(), props: Type.Optional(scalarMap()), ts: ts() },
  closed,
);

const attrVariant = <K extends AttrType>(k: K) =>
  Type.Object(
    { type: Type.Literal('attr'), attrType: Type.Literal(k), value: AttributeSchemas[k], ts: ts() },
    closed,
  );

export const AttrEventSchema = Type.Union([
  attrVariant('cart'),
  attrVariant('purchase'),
  attrVariant('product_view'),
  attrVariant('customer'),
  attrVariant('marketing'),
  attrVariant('lead'),
  attrVariant('service'),
  attrVariant('error'),
  attrVariant('search'),
  attrVariant('personal'),
]);

/**
 * `beckon('identify', traits, { userHash })`. The traits `userId`, `email`, `name` and `phone` name
 * the contact; `userHash` is HMAC-SHA256(userId, the site's identity secret), computed on the
 * site's server, and makes the identity verified.
 */
export const IdentifyEventSchema = Type.Object(
  {
    type: Type.Literal('identify'),
    traits: scalarMap(),
    userHash: Type.Optional(Type.String({ maxLength: 128 })),
  },
  closed,
);

export const SectionEventSchema = Type.Object(
  { type: Type.Literal('section'), sections: sections() },
  closed,
);

export const VisibilityEventSchema = Type.Object(
  { type: Type.Literal('visibility'), visible: Type.Boolean(), ts: ts() },
  closed,
);

export const ExposureOutcomeSchema = Type.Union([
  Type.Literal('shown'),
  Type.Literal('accepted'),
  Type.Literal('dismissed'),
  Type.Literal('clicked'),
]);
export type ExposureOutcome = Static<typeof ExposureOutcomeSchema>;

export const ExposureOutcomeEventSchema = Type.Object(
  { type: Type.Literal('exposure_outcome'), exposureId: id(), outcome: ExposureOutcomeSchema, ts: ts() },
  closed,
);

export const VisitorEventSchema = Type.Union([
  PageViewEventSchema,
  CustomEventSchema,
  AttrEventSchema,
  IdentifyEventSchema,
  SectionEventSchema,
  VisibilityEventSchema,
  ExposureOutcomeEventSchema,
  ScreenEventSchema,
  AppStateEventSchema,
]);

export const BatchFrameSchema = Type.Object(
  {
    type: Type.Literal('batch'),
    id: id(),
    events: Type.Array(VisitorEventSchema, { minItems: 1, maxItems: MAX_BATCH_EVENTS }),
  },
  closed,
);

export const ClientFrameSchema = Type.Union([HelloFrameSchema, BatchFrameSchema]);

export const AckFrameSchema = Type.Object({ type: Type.Literal('ack'), id: id() }, closed);
export const WelcomeFrameSchema = Type.Object(
  { type: Type.Literal('welcome'), visitorId: id(), sessionId: id(), returning: Type.Boolean() },
  closed,
);
export const EngageFrameSchema = Type.Object(
  {
    type: Type.Literal('engage'),
    exposureId: id(),
    campaignId: id(),
    engagement: DeliveredEngagementSchema,
    agentName: Type.Optional(str()),
    /** Takes back the offer shown under `exposureId`: its campaign's condition no longer holds. */
    withdraw: Type.Optional(Type.Literal(true)),
  },
  closed,
);
export const ErrorFrameSchema = Type.Object(
  { type: Type.Literal('error'), code: str(), message: str(MAX_TEXT_LENGTH) },
  closed,
);
export const ServerFrameSchema = Type.Union([
  AckFrameSchema,
  WelcomeFrameSchema,
  EngageFrameSchema,
  ErrorFrameSchema,
]);

export type HelloFrame = Static<typeof HelloFrameSchema>;
export type PageViewEvent = Static<typeof PageViewEventSchema>;
export type CustomEvent = Static<typeof CustomEventSchema>;
/** An `attr` event, discriminated by `attrType` so `value` has that attribute's type. */
export type AttrEvent = Static<typeof AttrEventSchema>;
export type IdentifyEvent = Static<typeof IdentifyEventSchema>;
export type SectionEvent = Static<typeof SectionEventSchema>;
export type VisibilityEvent = Static<typeof VisibilityEventSchema>;
export type ScreenEvent = Static<typeof ScreenEventSchema>;
export type AppStateEvent = Static<typeof AppStateEventSchema>;
export type ExposureOutcomeEvent = Static<typeof ExposureOutcomeEventSchema>;
/** Everything a visitor's tag can report, discriminated by `type`. */
export type VisitorEvent = Static<typeof VisitorEventSchema>;
export type BatchFrame = Static<typeof BatchFrameSchema>;
export type ClientFrame = Static<typeof ClientFrameSchema>;
export type AckFrame = Static<typeof AckFrameSchema>;
export type WelcomeFrame = Static<typeof WelcomeFrameSchema>;
export type EngageFrame = Static<typeof EngageFrameSchema>;
export type ErrorFrame = Static<typeof ErrorFrameSchema>;
export type ServerFrame = Static<typeof ServerFrameSchema>;

const clientFrame = lazyCompile(ClientFrameSchema as TSchema);
const serverFrame = lazyCompile(ServerFrameSchema as TSchema);
const visitorEvent = lazyCompile(VisitorEventSchema as TSchema);
// Each kind of frame on its own, to explain a refusal: the union's errors mix both kinds'
// complaints. Compiled at the first refusal, not at start-up (~3.5 ms).
let frameKinds: { hello: typeof clientFrame; batch: typeof clientFrame } | undefined;
function frameKind(type: 'hello' | 'batch'): typeof clientFrame {
  frameKinds ??= {
    hello: Compile(HelloFrameSchema as TSchema),
    batch: Compile(BatchFrameSchema as TSchema),
  };
  return frameKinds[type];
}

/** Type guard for a parsed client→server frame (hello or batch); the gateway's per-frame check. */
export const isClientFrame = (value: unknown): value is ClientFrame => clientFrame.Check(value);
/** Type guard for a parsed server→client frame (used by the SDK and tests). */
export const isServerFrame = (value: unknown): value is ServerFrame => serverFrame.Check(value);
/** Type guard for one event outside a frame (the `sendBeacon` collect endpoint). */
export const isVisitorEvent = (value: unknown): value is VisitorEvent => visitorEvent.Check(value);

export type ParseFrameResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: ErrorCode; message: string };

/** Parses and validates one raw client frame; never throws, so hostile input cannot crash a connection. */
export function parseClientFrame(raw: string): ParseFrameResult {
  if (raw.length > MAX_FRAME_BYTES) {
    return { ok: false, code: ErrorCode.FrameTooLarge, message: `frame exceeds ${MAX_FRAME_BYTES} bytes` };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, code: ErrorCode.BadFrame, message: 'frame is not valid JSON' };
  }
  if (clientFrame.Check(value)) return { ok: true, frame: value as ClientFrame };
  return { ok: false, code: ErrorCode.BadFrame, message: describeFrameError(value) };
}

/** Attribute events checked against their own attribute's schema, so a fault is named inside `value`. */
const attrEvents = Object.fromEntries(
  (Object.keys(AttributeSchemas) as AttrType[]).map((k) => [k, lazyCompile(attrVariant(k) as TSchema)]),
) as Record<string, SchemaCheck>;

/** The deepest schema error of `value` (union branches add shallower noise), as `path: message`. */
function deepestError(check: SchemaCheck, value: unknown, prefix = ''): string {
  let best: { instancePath: string; message: string } | undefined;
  for (const e of check.Errors(value))
    if (!best || e.instancePath.length > best.instancePath.length) best = e;
  // A closed object's extra field fails against the schema `false`: say what that means.
  const message = best?.message === 'schema is false' ? 'not a known field' : best?.message;
  return best
    ? `${prefix}${best.instancePath || (prefix ? '' : '/')}: ${message}`.slice(0, 200)
    : 'invalid frame';
}

/** An event kind's `type`. */
const typeOf = (schema: (typeof VisitorEventSchema.anyOf)[number]): string =>
  schema === AttrEventSchema ? 'attr' : (schema as typeof PageViewEventSchema).properties.type.const;
/** Every kind of event but attributes by its `type`, each on its own (compiled at the first refusal). */
let eventKinds: Record<string, ReturnType<typeof Compile>> | undefined;
function eventKind(type: unknown): ReturnType<typeof Compile> | undefined {
  eventKinds ??= Object.fromEntries(
    VisitorEventSchema.anyOf
      .filter((schema) => schema !== AttrEventSchema)
      .map((schema) => [typeOf(schema), Compile(schema as TSchema)]),
  );
  return typeof type === 'string' && Object.hasOwn(eventKinds, type) ? eventKinds[type] : undefined;
}

/**
 * Why one event is refused, its path starting at the event (`/value/currency: …`): checked against
 * the kind its `type` (and an attribute's `attrType`) names, so the fault is named where it is
 * rather than as the union's complaint that some other kind's `type` does not match.
 */
function describeEventError(event: unknown, prefix: string): string {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    return `${prefix}: must be an object`;
  const e = event as { type?: unknown; attrType?: unknown };
  if (e.type === 'attr') {
    if (typeof e.attrType === 'string' && Object.hasOwn(attrEvents, e.attrType))
      return deepestError(attrEvents[e.attrType]!, event, prefix);
    return `${prefix}/attrType: must be one of ${Object.keys(attrEvents).join(', ')}`;
  }
  const kind = eventKind(e.type);
  return kind
    ? deepestError(kind, event, prefix)
    : `${prefix}/type: must be one of ${VisitorEventSchema.anyOf.map((k) => `'${typeOf(k)}'`).join(', ')}`;
}

/** A short human-readable reason why a value is not a valid client frame. */
export function describeFrameError(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '/: must be an object';
  const v = value as { type?: unknown; events?: unknown };
  if (v.type === 'hello') return deepestError(frameKind('hello'), value);
  if (v.type !== 'batch') return "/type: must be 'hello' or 'batch'";
  if (Array.isArray(v.events)) {
    const i = v.events.findIndex((e) => !visitorEvent.Check(e));
    if (i >= 0) return describeEventError(v.events[i], `/events/${i}`);
  }
  return deepestError(frameKind('batch'), value);
}

/**
 * A batch whose envelope is sound but some of whose events break the schema: the valid events as
 * a batch of their own, and why each other one was refused. One malformed attribute must not cost
 * the page views and carts the tag sent with it. Null when nothing can be kept that way.
 */
export function salvageBatch(value: unknown): { frame: BatchFrame; refused: string[] } | null {
  const v = value as { type?: unknown; events?: unknown } | null;
  if (v?.type !== 'batch' || !Array.isArray(v.events)) return null;
  const kept: unknown[] = [];
  const refused: string[] = [];
  v.events.forEach((e, i) => {
    if (visitorEvent.Check(e)) kept.push(e);
    else refused.push(describeEventError(e, `/events/${i}`));
  });
  if (kept.length === 0 || refused.length === 0) return null;
  const frame = { ...v, events: kept };
  return clientFrame.Check(frame) ? { frame: frame as BatchFrame, refused } : null;
}
