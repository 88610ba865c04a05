import Type, { type Static, type TSchema } from 'typebox';
import { lazyCompile, type SchemaCheck } from './lazy-validator.ts';

/** Longest ordinary string field (names, ids, topics) in an attribute or event. */
export const MAX_STRING_LENGTH = 256;
/** Longest free-text field (messages, keywords). */
export const MAX_TEXT_LENGTH = 2000;
/** Longest URL accepted anywhere in the protocol. */
export const MAX_URL_LENGTH = 2048;
/** Most line items in a cart or a purchase. */
export const MAX_CART_ITEMS = 100;
/** Largest money amount or quantity accepted (keeps sums finite and exact enough). */
export const MAX_AMOUNT = 1e12;

const str = (max = MAX_STRING_LENGTH) => Type.String({ maxLength: max });
const money = () => Type.Number({ minimum: 0, maximum: MAX_AMOUNT });
const currency = () => Type.String({ pattern: '^[A-Z]{3}$' });
const closed = { additionalProperties: false } as const;

export const CartItemSchema = Type.Object(
  {
    sku: str(),
    name: Type.Optional(str()),
    price: money(),
    quantity: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  },
  closed,
);

export const CartAttrSchema = Type.Object(
  { items: Type.Array(CartItemSchema, { maxItems: MAX_CART_ITEMS }), total: money(), currency: currency() },
  closed,
);

export const PurchaseAttrSchema = Type.Object(
  {
    orderId: Type.String({ minLength: 1, maxLength: MAX_STRING_LENGTH }),
    total: money(),
    currency: Type.Optional(currency()),
    items: Type.Optional(Type.Array(CartItemSchema, { maxItems: MAX_CART_ITEMS })),
  },
  closed,
);

export const ProductViewAttrSchema = Type.Object(
  { sku: str(), name: Type.Optional(str()), price: Type.Optional(money()), category: Type.Optional(str()) },
  closed,
);

export const CustomerAttrSchema = Type.Object(
  {
    type: Type.Optional(str()),
    status: Type.Optional(str()),
    tier: Type.Optional(str()),
    balance: Type.Optional(Type.Number({ minimum: -MAX_AMOUNT, maximum: MAX_AMOUNT })),
    id: Type.Optional(str()),
  },
  closed,
);

export const MarketingAttrSchema = Type.Object(
  {
    channel: Type.Optional(str()),
    campaign: Type.Optional(str()),
    affiliate: Type.Optional(str()),
    source: Type.Optional(str()),
  },
  closed,
);

export const LeadAttrSchema = Type.Object({ topic: str(), value: Type.Optional(money()) }, closed);

export const ServiceAttrSchema = Type.Object({ topic: str(), status: Type.Optional(str()) }, closed);

export const ErrorAttrSchema = Type.Object(
  { code: str(), message: Type.Optional(str(MAX_TEXT_LENGTH)) },
  closed,
);

export const SearchAttrSchema = Type.Object({ keywords: str(MAX_TEXT_LENGTH) }, closed);

export const PersonalAttrSchema = Type.Object(
  {
    name: Type.Optional(str()),
    language: Type.Optional(
      Type.String({ pattern: '^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$', maxLength: 35 }),
    ),
    email: Type.Optional(Type.String({ maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' })),
  },
  closed,
);

/** Every engagement attribute type with its schema, keyed by the `attrType` the tag sends. */
export const AttributeSchemas = {
  cart: CartAttrSchema,
  purchase: PurchaseAttrSchema,
  product_view: ProductViewAttrSchema,
  customer: CustomerAttrSchema,
  marketing: MarketingAttrSchema,
  lead: LeadAttrSchema,
  service: ServiceAttrSchema,
  error: ErrorAttrSchema,
  search: SearchAttrSchema,
  personal: PersonalAttrSchema,
} as const;

export type AttributeSchemaMap = typeof AttributeSchemas;
export type AttrType = keyof AttributeSchemaMap;
/** The value of each attribute type, as the tag sends it. */
export type AttributeValues = { [K in AttrType]: Static<AttributeSchemaMap[K]> };
export type AttributeValue<K extends AttrType = AttrType> = AttributeValues[K];

export type CartItem = Static<typeof CartItemSchema>;
export type CartAttr = AttributeValues['cart'];
export type PurchaseAttr = AttributeValues['purchase'];
export type ProductViewAttr = AttributeValues['product_view'];
export type CustomerAttr = AttributeValues['customer'];
export type MarketingAttr = AttributeValues['marketing'];
export type LeadAttr = AttributeValues['lead'];
export type ServiceAttr = AttributeValues['service'];
export type ErrorAttr = AttributeValues['error'];
export type SearchAttr = AttributeValues['search'];
export type PersonalAttr = AttributeValues['personal'];

/** Attribute types in a fixed order (their index gives each a stable bit in core). */
export const ATTR_TYPES = Object.keys(AttributeSchemas) as AttrType[];

/** True when `name` is a known engagement attribute type. */
export function isAttrType(name: unknown): name is AttrType {
  return typeof name === 'string' && Object.hasOwn(AttributeSchemas, name);
}

const compiled = {} as { [K in AttrType]: SchemaCheck };
for (const t of ATTR_TYPES) compiled[t] = lazyCompile(AttributeSchemas[t] as TSchema);

/** Compiled validators per attribute type, for callers that receive attributes outside a frame (REST). */
export const attributeValidators: Readonly<{ [K in AttrType]: SchemaCheck }> = compiled;

/** Checks an attribute value against its type's schema without throwing. */
export function isValidAttribute<K extends AttrType>(type: K, value: unknown): value is AttributeValues[K] {
  return isAttrType(type) && compiled[type].Check(value);
}

/** Scalar kind of each attribute's top-level fields, so targeting can address `attr.<type>.<field>`. */
export type AttrFieldKind = 'string' | 'number' | 'boolean';

/** The addressable scalar fields of an attribute type (arrays and objects are left out). */
export function attributeFieldKinds(type: AttrType): Readonly<Record<string, AttrFieldKind>> {
  return fieldKinds[type];
}

const fieldKinds = {} as Record<AttrType, Record<string, AttrFieldKind>>;
for (const t of ATTR_TYPES) {
  const out: Record<string, AttrFieldKind> = Object.create(null);
  const props = (AttributeSchemas[t] as unknown as { properties: Record<string, { type?: string }> })
    .properties;
  for (const [name, schema] of Object.entries(props)) {
    if (schema.type === 'string') out[name] = 'string';
    else if (schema.type === 'number' || schema.type === 'integer') out[name] = 'number';
    else if (schema.type === 'boolean') out[name] = 'boolean';
  }
  fieldKinds[t] = out;
}
