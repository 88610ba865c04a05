import Type, { type Static, type TSchema } from 'typebox';

/**
 * Server-side conversions (`POST /api/v1/conversions`) and the shops' order webhooks that feed
 * them. An order is one conversion per account, whichever sources saw it: the tag's purchase
 * attribute, the API, a Shopify or WooCommerce webhook.
 */

const Iso = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Who saw an order. */
export const ConversionSource = Type.Union([
  Type.Literal('tag'),
  Type.Literal('api'),
  Type.Literal('shopify'),
  Type.Literal('woocommerce'),
]);
export type ConversionSource = Static<typeof ConversionSource>;

/** The shops whose order webhooks Beckon receives. */
export const CommercePlatform = Type.Union([Type.Literal('shopify'), Type.Literal('woocommerce')]);
export type CommercePlatform = Static<typeof CommercePlatform>;

export const ConversionInput = Type.Object(
  {
    orderId: Type.String({ minLength: 1, maxLength: 128, description: "The shop's order id" }),
    value: Type.Number({ minimum: 0, maximum: 1e12, description: 'Order total' }),
    currency: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code, e.g. EUR' }),
    occurredAt: Type.Optional(Iso),
    visitorId: Type.Optional(
      Type.String({ pattern: '^[\\w-]{1,64}$', description: "What `beckon('visitorId')` gave the page" }),
    ),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, description: "The contact's e-mail" })),
    userId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: "The site's own id of a signed-in user" }),
    ),
    phone: Type.Optional(
      Type.String({
        minLength: 6,
        maxLength: 32,
        description: "The contact's phone number in E.164, e.g. +4915112345678",
      }),
    ),
    siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ConversionInput = Static<typeof ConversionInput>;

/** A stored conversion as the API and the console list it. */
export const Conversion = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  kind: Type.Union([Type.Literal('purchase'), Type.Literal('goal')]),
  goalName: Nullable(Type.String()),
  orderId: Nullable(Type.String()),
  value: Type.Number(),
  currency: Nullable(Type.String()),
  occurredAt: Iso,
  /** Null when no visitor was known. */
  visitorId: Nullable(Type.String()),
  /** False for an order nobody could tie to a visit: it counts as a conversion, for no campaign. */
  attributed: Type.Boolean(),
  sources: Type.Array(ConversionSource),
  /** The campaign credited with it, if any. */
  campaignId: Nullable(Type.String()),
});
export type Conversion = Static<typeof Conversion>;

/** The answer to a posted order: the conversion, and whether the order was known already. */
export const ConversionRecorded = Type.Object({
  conversion: Conversion,
  duplicate: Type.Boolean({ description: 'True when the order had been recorded before (counted once)' }),
});
export type ConversionRecorded = Static<typeof ConversionRecorded>;

export const ConversionQuery = Type.Object({
  siteId: Type.Optional(Type.String({ maxLength: 64 })),
  source: Type.Optional(ConversionSource),
  attributed: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  before: Type.Optional(Iso),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});
export type ConversionQuery = Static<typeof ConversionQuery>;

export const ConversionList = Type.Object({
  items: Type.Array(Conversion),
  /** Pass as `before` for the next page; null at the end. */
  next: Nullable(Iso),
});
export type ConversionList = Static<typeof ConversionList>;

/** A shop's order webhook into a site. The secret never comes back out. */
export const CommerceReceiver = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  platform: CommercePlatform,
  /** Where the shop sends its order webhooks. */
  receiverUrl: Type.String(),
  /** The secret's last four characters, to tell which one is set. */
  secretHint: Type.String(),
  orders: Type.Integer(),
  lastOrderAt: Nullable(Iso),
  createdAt: Iso,
});
export type CommerceReceiver = Static<typeof CommerceReceiver>;

export const CommerceReceiverInput = Type.Object(
  {
    siteId: Type.String({ minLength: 1, maxLength: 64 }),
    platform: CommercePlatform,
    secret: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 512,
        description:
          "Shopify: the app's client secret (or the key shown under Settings › Notifications › Webhooks). WooCommerce: the webhook's secret; left out, one is made and returned once.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CommerceReceiverInput = Static<typeof CommerceReceiverInput>;

export const CommerceReceiverSecret = Type.Object(
  { secret: Type.String({ minLength: 8, maxLength: 512 }) },
  { additionalProperties: false },
);
export type CommerceReceiverSecret = Static<typeof CommerceReceiverSecret>;

/** A new receiver; `secret` is set only when Beckon made it (shown this once). */
export const CommerceReceiverCreated = Type.Object({
  receiver: CommerceReceiver,
  secret: Nullable(Type.String()),
});
export type CommerceReceiverCreated = Static<typeof CommerceReceiverCreated>;

/** The checkout attribute that carries the Beckon visitor id into a shop's order. */
export const VISITOR_ATTRIBUTE = 'beckon_visitor_id';

/** How many orders of a group each source saw: the tag only, the server only, or both. */
export const SourceCounts = Type.Object({
  tagOnly: Type.Integer(),
  serverOnly: Type.Integer(),
  both: Type.Integer(),
});
export type SourceCounts = Static<typeof SourceCounts>;
