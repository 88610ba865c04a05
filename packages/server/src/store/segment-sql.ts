import {
  resolveSegmentField,
  type SegmentFilter,
  type SegmentLeaf,
  type SegmentOp,
  type SegmentValue,
  segmentDate,
} from '@beckon/protocol';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { StoreCapabilities } from './store-capabilities.ts';

/**
 * Compiles a segment filter into one SQL condition over `contacts c`, so a count or a page of
 * members is one query on SQLite and PostgreSQL alike. Every leaf is two-valued (`coalesce(…,
 * false)`), so `not` and the negative operators also match contacts without a value: "not
 * seen in 30 days" includes a contact never seen, "no purchase since" one who never bought.
 * Purchases, scores, countries, open carts, opt-ins and push devices are read from the contact's
 * facts (contact-facts.ts, joined once as `f`, so a contact's facts are one probe of an index);
 * pages from its visitors' marks (visitor-marks.ts) through `contact_visitors`, as a set of
 * contact ids (`c.id in (…)`), which both planners run once.
 */
export interface SegmentSqlContext {
  accountId: string;
  /** The moment `within` counts back from (ms). */
  now: number;
  json: StoreCapabilities['json'];
}

type Pred = RawBuilder<SqlBool>;

const TRUE: Pred = sql<SqlBool>`1 = 1`;
const num = (v: number) => sql`cast(${v} as double precision)`;
const or = (ps: Pred[]): Pred => (ps.length === 1 ? ps[0]! : sql<SqlBool>`(${sql.join(ps, sql` or `)})`);

const FACTS = new Set([
  'purchases.last',
  'purchases.count',
  'purchases.value',
  'score',
  'country',
  'cart.abandoned',
  'consent',
]);

/** Whether the filter reads the contact's facts: its query joins `contact_facts f` then. */
export function readsFacts(filter: SegmentFilter): boolean {
  if ('all' in filter) return filter.all.some(readsFacts);
  if ('any' in filter) return filter.any.some(readsFacts);
  if ('not' in filter) return readsFacts(filter.not);
  const base = resolveSegmentField(filter.field)!.base;
  // E-mail is reachable by the contact's own row; every other channel needs an opt-in or a device.
  if (base === 'channel') return channelsOf(filter).some((ch) => ch !== 'email');
  return FACTS.has(base);
}

const channelsOf = (leaf: SegmentLeaf) => (leaf.op === 'in' ? leaf.value : [leaf.value]) as string[];

/**
 * What a contact's facts must pass for the filter to match it, when a leaf of the filter (or of
 * its top-level `all`) needs facts: a contact without facts fails such a leaf, so a count may join
 * the facts it reads (an inner join) instead of keeping every contact (a left join). On
 * PostgreSQL a left join keeps every contact: its planner then joins all of them to their facts
 * before it tests one (700 ms over 1 M contacts), where an inner join lets it pick the few facts
 * that pass first. Undefined when no such leaf is there.
 */
export function factsNeeded(filter: SegmentFilter, ctx: SegmentSqlContext): Pred | undefined {
  const tests = topLeaves(filter)
    .map((l) => factsTest(l, ctx))
    .filter((x) => x !== undefined);
  return tests.length === 0 ? undefined : sql<SqlBool>`${sql.join(tests, sql` and `)}`;
}

/** The leaves every match passes: the filter's own, or those of its top-level `all`. */
const topLeaves = (filter: SegmentFilter): SegmentLeaf[] =>
  'all' in filter ? filter.all.filter((f) => 'field' in f) : 'field' in filter ? [filter] : [];

/**
 * A phone number, when a leaf of the filter (or of its top-level `all`) reaches the contact only
 * by SMS or WhatsApp: a test of the contact's own row, which both planners make before they read
 * its facts or its attributes (half the contacts have no phone). Undefined when no such leaf is there.
 */
export function phoneNeeded(filter: SegmentFilter): Pred | undefined {
  const byPhone = (l: SegmentLeaf) =>
    resolveSegmentField(l.field)!.base === 'channel' &&
    (l.op === 'contains' || l.op === 'in') &&
    channelsOf(l).every((ch) => ch === 'sms' || ch === 'whatsapp');
  return topLeaves(filter).some(byPhone) ? sql<SqlBool>`(c.phone is not null and c.phone <> '')` : undefined;
}

/** The condition a filter tree compiles to. */
export function segmentCondition(filter: SegmentFilter, ctx: SegmentSqlContext): Pred {
  if ('all' in filter) {
    return filter.all.length === 0
      ? TRUE
      : sql<SqlBool>`(${sql.join(
          filter.all.map((f) => segmentCondition(f, ctx)),
          sql` and `,
        )})`;
  }
  if ('any' in filter) return or(filter.any.map((f) => segmentCondition(f, ctx)));
  if ('not' in filter) return sql<SqlBool>`not (${segmentCondition(filter.not, ctx)})`;
  return leafCondition(filter, ctx);
}

/** Negative operators are the negation of a positive one. */
const POSITIVE: Partial<Record<SegmentOp, SegmentOp>> = {
  not_equals: 'equals',
  not_contains: 'contains',
  not_within: 'within',
  not_since: 'since',
};

function leafCondition(leaf: SegmentLeaf, ctx: SegmentSqlContext): Pred {
  let op = POSITIVE[leaf.op] ?? leaf.op;
  let negate = op !== leaf.op;
  if (op === 'exists' && leaf.value === false) negate = true;
  if (op === 'within' || op === 'since') {
    // Both become "at or after this moment".
    const from =
      op === 'within' ? ctx.now - (leaf.value as number) * 1000 : segmentDate(leaf.value as string);
    op = 'since';
    leaf = { ...leaf, value: from };
  }
  const p = sql<SqlBool>`coalesce(${positive(leaf, op, ctx)}, false)`;
  return negate ? sql<SqlBool>`not (${p})` : p;
}

const COLUMNS = {
  'contact.name': 'name',
  'contact.email': 'email',
  'contact.phone': 'phone',
  'contact.externalId': 'external_id',
  'contact.verified': 'verified',
  'contact.emailOptOut': 'email_opt_out',
  'contact.smsOptOut': 'sms_opt_out',
  'contact.createdAt': 'created_at',
  'contact.lastSeen': 'last_seen_at',
} as const;

/** The positive test of a leaf; `since` carries its moment in ms. */
function positive(leaf: SegmentLeaf, op: SegmentOp, ctx: SegmentSqlContext): Pred {
  const ref = resolveSegmentField(leaf.field)!;
  switch (ref.base) {
    case 'contact.name':
    case 'contact.email':
    case 'contact.phone':
    case 'contact.externalId': {
      const col = sql.ref(`c.${COLUMNS[ref.base]}`);
      const v = ref.base === 'contact.email' ? lowerValue(leaf.value) : leaf.value;
      return textTest(col, op, v, ctx);
    }
    case 'contact.verified':
    case 'contact.emailOptOut':
    case 'contact.smsOptOut':
      return sql<SqlBool>`${sql.ref(`c.${COLUMNS[ref.base]}`)} = ${leaf.value ? 1 : 0}`;
    case 'contact.createdAt':
    case 'contact.lastSeen':
      return sql<SqlBool>`${sql.ref(`c.${COLUMNS[ref.base]}`)} >= ${leaf.value}`;
    case 'channel':
      return or(channelsOf(leaf).map(reachable));
    case 'consent':
      return or(channelsOf(leaf).map(optedIn));
    // The contact's facts (`f`, joined when a filter reads them: see `readsFacts`). A contact
    // without facts has none of them: 0 purchases worth 0, no latest purchase, score or country.
    case 'purchases.last':
      return sql<SqlBool>`f.last_purchase_at >= ${leaf.value}`;
    case 'purchases.count':
      return numberTest(sql`coalesce(f.purchase_count, 0)`, op, leaf.value);
    case 'purchases.value':
      return numberTest(sql`coalesce(f.purchase_total, 0)`, op, leaf.value);
    case 'score':
      return numberTest(sql`f.score`, op, leaf.value);
    case 'country':
      return op === 'exists'
        ? sql<SqlBool>`f.country is not null`
        : textTest(sql`f.country`, op, leaf.value, ctx);
    case 'attribute':
      return attributeTest(ref.key!, op, leaf.value, ctx);
    case 'section':
      return sql<SqlBool>`c.id in (${sectionViewed(ref.key!, leaf.value as number, ctx)})`;
    case 'cart.abandoned':
      return openCart(leaf.value as number);
  }
}

const lowerValue = (v: SegmentValue): SegmentValue =>
  Array.isArray(v)
    ? v.map((x) => (typeof x === 'string' ? x.toLowerCase() : x))
    : typeof v === 'string'
      ? v.toLowerCase()
      : v;

/** Text equality, a case-blind substring, a list, or a value at all. */
function textTest(
  col: RawBuilder<unknown> | ReturnType<typeof sql.ref>,
  op: SegmentOp,
  v: SegmentValue,
  ctx: SegmentSqlContext,
): Pred {
  switch (op) {
    case 'equals':
      return sql<SqlBool>`${col} = ${String(v)}`;
    case 'in':
      return sql<SqlBool>`${col} in (${sql.join((v as string[]).map(String))})`;
    case 'contains':
      return ctx.json === 'jsonb'
        ? sql<SqlBool>`strpos(lower(${col}), ${String(v).toLowerCase()}) > 0`
        : sql<SqlBool>`instr(lower(${col}), ${String(v).toLowerCase()}) > 0`;
    default:
      return sql<SqlBool>`(${col} is not null and ${col} <> '')`;
  }
}

function numberTest(expr: RawBuilder<unknown>, op: SegmentOp, v: SegmentValue): Pred {
  if (op === 'gte') return sql<SqlBool>`${expr} >= ${num(v as number)}`;
  if (op === 'lte') return sql<SqlBool>`${expr} <= ${num(v as number)}`;
  return sql<SqlBool>`${expr} = ${num(v as number)}`;
}

/** An opt-in on `channel` (SMS or WhatsApp) by the contact or by a contact merged into it (its facts). */
const optedIn = (channel: string): Pred => sql<SqlBool>`${sql.ref(`f.${channel}_opt_in`)} = 1`;

/** A message on `channel` may go to the contact: an address, no opt-out, and an opt-in where one is needed. */
function reachable(channel: string): Pred {
  switch (channel) {
    case 'email':
      return sql<SqlBool>`(c.email is not null and c.email <> '' and c.email_opt_out = 0)`;
    case 'sms':
      return sql<SqlBool>`(c.phone is not null and c.phone <> '' and c.sms_opt_out = 0 and ${optedIn('sms')})`;
    case 'whatsapp':
      return sql<SqlBool>`(c.phone is not null and c.phone <> '' and ${optedIn('whatsapp')})`;
    default:
      // A device of the contact or of a contact merged into it (its facts).
      return sql<SqlBool>`f.push_device = 1`;
  }
}

/**
 * Put a cart worth at least `min` together and bought nothing at or after that moment: the
 * largest cart after the latest purchase (its facts) is worth that much.
 */
const openCart = (min: number): Pred => sql<SqlBool>`f.open_cart_total >= ${num(min)}`;

/**
 * Visitors' contacts read from the covering index alone: SQLite's planner, without statistics,
 * takes the primary key and reads the table for every row (twice as slow over a million).
 */
const visitorsOf = (ctx: SegmentSqlContext) =>
  ctx.json === 'json1'
    ? sql`contact_visitors cv indexed by contact_visitors_visitor_contact_idx`
    : sql`contact_visitors cv`;

/**
 * Whether the contact's attributes may hold this JSON text (a key or a string, as `JSON.stringify`
 * spells it), read without parsing them: it occurs in the text, or the text escapes something (a
 * backslash), which the parse then decides. A test that first asks this parses few contacts'
 * attributes on PostgreSQL, which parses JSON slowly (2 s for 1 M contacts on a loaded machine,
 * 20 times a pass over them). Never false for a contact whose attributes hold it: exact.
 */
function mayHold(value: string, ctx: SegmentSqlContext): Pred {
  // SQLite's `json_extract` is fast: the search did not pay there (measured over 1 M contacts).
  if (ctx.json === 'json1') return TRUE;
  return sql<SqlBool>`(strpos(c.attributes, ${JSON.stringify(value)}) > 0 or strpos(c.attributes, ${'\\'}) > 0)`;
}

/** A custom attribute of the contact (`attributes` JSON): typed tests, so "10" is not 10. */
function attributeTest(key: string, op: SegmentOp, v: SegmentValue, ctx: SegmentSqlContext): Pred {
  return sql<SqlBool>`(${mayHold(key, ctx)} and ${parsedAttributeTest(key, op, v, ctx)})`;
}

function parsedAttributeTest(key: string, op: SegmentOp, v: SegmentValue, ctx: SegmentSqlContext): Pred {
  const pg = ctx.json === 'jsonb';
  const path = `$."${key}"`;
  const type = pg
    ? sql`jsonb_typeof(c.attributes::jsonb -> cast(${key} as text))`
    : sql`json_type(c.attributes, ${path})`;
  const text = pg
    ? sql`(c.attributes::jsonb ->> cast(${key} as text))`
    : sql`json_extract(c.attributes, ${path})`;
  const isNumber = pg ? sql`${type} = 'number'` : sql`${type} in ('integer', 'real')`;
  const number = pg
    ? sql`case when ${isNumber} then cast(${text} as double precision) end`
    : sql`case when ${isNumber} then ${text} end`;
  const isText = pg ? sql`${type} = 'string'` : sql`${type} = 'text'`;
  const one = (x: string | number | boolean): Pred => {
    if (typeof x === 'number') return sql<SqlBool>`${number} = ${num(x)}`;
    // One parse, not two (its type, then its text): JSON values are equal when type and value are.
    if (pg && typeof x === 'string')
      return sql<SqlBool>`(${mayHold(x, ctx)} and (c.attributes::jsonb -> cast(${key} as text)) = cast(${JSON.stringify(x)} as jsonb))`;
    if (typeof x === 'string') return sql<SqlBool>`(${mayHold(x, ctx)} and ${isText} and ${text} = ${x})`;
    return pg
      ? sql<SqlBool>`(${type} = 'boolean' and ${text} = ${String(x)})`
      : sql<SqlBool>`${type} = ${String(x)}`;
  };
  switch (op) {
    case 'equals':
      return one(v as string | number | boolean);
    case 'in':
      return or((v as (string | number)[]).map(one));
    case 'gte':
    case 'lte':
      return numberTest(number, op, v);
    case 'contains':
      return sql<SqlBool>`(${isText} and ${textTest(text, 'contains', v, ctx)})`;
    default:
      return sql<SqlBool>`(${type} is not null and ${type} <> 'null')`;
  }
}

/**
 * Viewed a page in the section since `from` (visitor-marks.ts: each visitor's last view of it): the
 * marks that pass first, then each one's contact from the visitors' index (`cross join` keeps
 * SQLite in that order), so neither planner reads every visitor of the account to join a few
 * marks. A join, not a probe per mark in the select list: PostgreSQL then knows how many contacts
 * come out and reads them by id (a probe per mark ran twice per mark there).
 */
const sectionViewed = (section: string, from: number, ctx: SegmentSqlContext) =>
  sql`select cv.contact_id from visitor_sections m cross join ${visitorsOf(ctx)} where m.account_id = ${ctx.accountId} and m.section = ${section} and m.last_at >= ${from} and cv.site_id = m.site_id and cv.visitor_id = m.visitor_id`;

/** Where a count starts: a set of contact ids, and what of the filter is left to test on each. */
export interface SegmentDriver {
  set: Pred;
  rest: SegmentFilter;
  /** Where the set comes from: the marks of a page leaf, or the contacts' facts. */
  by: 'marks' | 'facts';
}

/**
 * A set of contact ids from an index that holds every contact the filter matches (and maybe
 * more), as `c.id in (…)`: a count adds it to the filter's own condition, so the database reads
 * those few contacts by id instead of every contact of the account. Undefined when no part of the
 * filter narrows by an index: a leaf on a contact's marks (pages viewed) or on its facts
 * (purchases, score, country, open cart, opt-ins: a contact without facts fails these); from a
 * leaf of the filter or of its top-level `all`: a marks leaf first, else all facts leaves together
 * when one names a country or an open cart. Opt-ins and ranges alone do not narrow: they match so
 * many contacts that a pass over the contacts reads them faster.
 * A marks leaf's set is exactly the contacts that pass it, so it is not tested again (`rest`);
 * facts leave the whole filter to test. Either way the count stays exact.
 */
export function segmentDriver(filter: SegmentFilter, ctx: SegmentSqlContext): SegmentDriver | undefined {
  const leaves = topLeaves(filter);
  for (const leaf of leaves) {
    const marks = marksOf(leaf, ctx);
    if (!marks) continue;
    const rest = 'all' in filter ? { all: filter.all.filter((f) => f !== leaf) } : { all: [] };
    return { set: sql<SqlBool>`c.id in (${marks})`, rest, by: 'marks' };
  }
  // Every facts leaf of the `all` at once, when one names countries or an open cart: a range alone
  // (spend, score) or an opt-in matches too many contacts for reads by id to beat a pass over them
  // (measured over 1 M contacts).
  const facts = leaves.map((l) => factsTest(l, ctx)).filter((x) => x !== undefined);
  const narrow = leaves.some(
    (l) => ['country', 'cart.abandoned'].includes(resolveSegmentField(l.field)!.base) && factsTest(l, ctx),
  );
  if (narrow)
    return {
      set: sql<SqlBool>`c.id in (select f.contact_id from contact_facts f where f.account_id = ${ctx.accountId} and ${sql.join(facts, sql` and `)})`,
      rest: filter,
      by: 'facts',
    };
  return undefined;
}

/** The test of `contact_facts f` a positive facts leaf implies (a contact without facts fails it); undefined for other leaves. */
function factsTest(leaf: SegmentLeaf, ctx: SegmentSqlContext): Pred | undefined {
  if (POSITIVE[leaf.op] || (leaf.op === 'exists' && leaf.value === false)) return undefined;
  const ref = resolveSegmentField(leaf.field)!;
  const v = leaf.value;
  const positiveNumber = typeof v === 'number' && v > 0 && (leaf.op === 'gte' || leaf.op === 'equals');
  switch (ref.base) {
    case 'purchases.count':
      return positiveNumber ? numberTest(sql`f.purchase_count`, leaf.op, v) : undefined;
    case 'purchases.value':
      return positiveNumber ? numberTest(sql`f.purchase_total`, leaf.op, v) : undefined;
    case 'score':
      return numberTest(sql`f.score`, leaf.op, v);
    case 'purchases.last': {
      if (leaf.op !== 'within' && leaf.op !== 'since') return undefined;
      const from = leaf.op === 'within' ? ctx.now - (v as number) * 1000 : segmentDate(v as string);
      return sql<SqlBool>`f.last_purchase_at >= ${from}`;
    }
    case 'country':
      if (leaf.op === 'equals') return sql<SqlBool>`f.country = ${String(v)}`;
      if (leaf.op === 'in') return sql<SqlBool>`f.country in (${sql.join((v as string[]).map(String))})`;
      return undefined;
    case 'cart.abandoned':
      return openCart(v as number);
    case 'consent':
      return or(channelsOf(leaf).map(optedIn));
    case 'channel': {
      // Reaching a contact by e-mail needs no facts.
      const channels = channelsOf(leaf);
      if (channels.includes('email')) return undefined;
      return or(channels.map((ch) => (ch === 'push' ? reachable(ch) : optedIn(ch))));
    }
    default:
      return undefined;
  }
}

/** The contacts that pass a positive section leaf (its marks); undefined for other leaves. */
function marksOf(leaf: SegmentLeaf, ctx: SegmentSqlContext): RawBuilder<unknown> | undefined {
  if (POSITIVE[leaf.op] || (leaf.op === 'exists' && leaf.value === false)) return undefined;
  const ref = resolveSegmentField(leaf.field)!;
  const v = leaf.value;
  if (ref.base === 'section') {
    const from = leaf.op === 'within' ? ctx.now - (v as number) * 1000 : segmentDate(v as string);
    return sectionViewed(ref.key!, from, ctx);
  }
  return undefined;
}
