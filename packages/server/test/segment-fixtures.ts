import { resolveSegmentField, type SegmentFilter, type SegmentLeaf, segmentDate } from '@beckon/protocol';
import { rebuildContactFacts } from '../src/store/contact-facts.ts';
import type { Store } from '../src/store/store.ts';
import { rebuildVisitorMarks } from '../src/store/visitor-marks.ts';

/**
 * People with histories, written as the store keeps them (contacts, their visitors, opt-ins, push
 * devices, purchases, scored sessions with a country, page views and carts in the event log), and
 * a plain evaluation of a segment filter over them that the SQL must agree with.
 */
export const DAY = 86_400_000;

export interface Person {
  name: string | null;
  email: string | null;
  phone: string | null;
  verified?: boolean;
  attributes?: Record<string, string | number | boolean>;
  emailOptOut?: boolean;
  smsOptOut?: boolean;
  createdDaysAgo?: number;
  lastSeenDaysAgo?: number;
  consents?: ('sms' | 'whatsapp')[];
  push?: boolean;
  purchases?: { daysAgo: number; revenue: number }[];
  /** Visits: the purchase score when the model scored it, the country it came from. */
  sessions?: { daysAgo: number; country: string | null; score: number | null }[];
  pages?: { daysAgo: number; sections: string[] }[];
  carts?: { daysAgo: number; total: number }[];
  /** Merged into the person at this index (their visits go with them; opt-ins stay on their row). */
  mergedInto?: number;
}

/** A moment `daysAgo` before `now`, made unique per person and item so no two visits tie. */
const at = (now: number, daysAgo: number, i: number, k: number) =>
  Math.round(now - daysAgo * DAY) - i * 97 - k;

/** Writes the people into a site of the account; returns their contact ids by index. */
export async function seedPeople(
  store: Store,
  accountId: string,
  siteId: string,
  people: Person[],
  now: number,
  tag: string,
): Promise<string[]> {
  const db = store.db;
  const ids = people.map((_, i) => `con_${tag}_${String(i).padStart(3, '0')}`);
  for (const [i, p] of people.entries()) {
    await db
      .insertInto('contacts')
      .values({
        id: ids[i]!,
        account_id: accountId,
        name: p.name,
        email: p.email,
        phone: p.phone,
        external_id: null,
        verified: p.verified ? 1 : 0,
        attributes: JSON.stringify(p.attributes ?? {}),
        email_opt_out: p.emailOptOut ? 1 : 0,
        sms_opt_out: p.smsOptOut ? 1 : 0,
        merged_into: p.mergedInto === undefined ? null : ids[p.mergedInto]!,
        created_at: at(now, p.createdDaysAgo ?? 100, i, 0),
        updated_at: now,
        last_seen_at: at(now, p.lastSeenDaysAgo ?? 1, i, 0),
      })
      .execute();
  }
  for (const [i, p] of people.entries()) {
    const visitorId = `v_${tag}_${i}`;
    const owner = ids[p.mergedInto ?? i]!;
    const common = { account_id: accountId, site_id: siteId, visitor_id: visitorId };
    await db
      .insertInto('contact_visitors')
      .values({ ...common, contact_id: owner, created_at: now })
      .execute();
    for (const ch of p.consents ?? [])
      await db
        .insertInto('contact_consents')
        .values({
          account_id: accountId,
          contact_id: ids[i]!,
          channel: ch,
          source: 'api',
          detail: null,
          created_at: now,
        })
        .execute();
    if (p.push)
      await db
        .insertInto('push_devices')
        .values({
          site_id: siteId,
          platform: 'fcm',
          token: `tok_${tag}_${i}`,
          account_id: accountId,
          contact_id: ids[i]!,
          created_at: now,
        })
        .execute();
    for (const [k, b] of (p.purchases ?? []).entries()) {
      const ts = at(now, b.daysAgo, i, k);
      await db
        .insertInto('conversions')
        .values({
          ...common,
          id: `cv_${tag}_${i}_${k}`,
          session_id: `s_${tag}_${i}_0`,
          kind: 'purchase',
          goal_name: null,
          order_id: `o_${tag}_${i}_${k}`,
          dedupe_key: `order:o_${tag}_${i}_${k}`,
          revenue: b.revenue,
          currency: 'EUR',
          ts,
          recorded_at: ts,
        })
        .execute();
    }
    for (const [k, s] of (p.sessions ?? []).entries()) {
      const ts = at(now, s.daysAgo, i, k);
      const id = `s_${tag}_${i}_${k}`;
      await db
        .insertInto('visitor_sessions')
        .values({
          ...common,
          id,
          returning: k > 0 ? 1 : 0,
          device: 'desktop',
          landing_url: null,
          referrer: null,
          channel: null,
          source: null,
          page_views: 1,
          started_at: ts,
          last_event_at: ts,
          country: s.country,
          region: null,
          city: null,
          time_zone: null,
        })
        .execute();
      await db
        .insertInto('model_sessions')
        .values({
          ...common,
          id,
          started_at: ts,
          ended_at: ts,
          features: '[]',
          purchased: 0,
          revenue: 0,
          page_views: 1,
          score: s.score,
        })
        .execute();
    }
    const frames = [
      ...(p.pages ?? []).map((pg) => ({
        daysAgo: pg.daysAgo,
        event: { type: 'page_view', url: 'https://shop.test/p', sections: pg.sections },
      })),
      ...(p.carts ?? []).map((c) => ({
        daysAgo: c.daysAgo,
        event: { type: 'attr', attrType: 'cart', value: { items: [], total: c.total, currency: 'EUR' } },
      })),
    ];
    for (const [k, f] of frames.entries()) {
      const ts = at(now, f.daysAgo, i, 50 + k);
      await db
        .insertInto('event_frames')
        .values({
          ...common,
          session_id: `s_${tag}_${i}_0`,
          batch_id: `b_${tag}_${i}_${k}`,
          ts,
          event_count: 1,
          frame: JSON.stringify({ type: 'batch', events: [{ ...f.event, ts }] }),
        })
        .execute();
    }
  }
  // The rows above bypass the writes that keep each contact's facts: fill them as the migration does.
  await rebuildVisitorMarks(db, accountId);
  await rebuildContactFacts(db, accountId);
  return ids;
}

/** The contact ids the filter must select: a plain reading of docs/segments.md. */
export function expectedMembers(
  people: Person[],
  ids: string[],
  filter: SegmentFilter,
  now: number,
): Set<string> {
  const out = new Set<string>();
  for (const [i, p] of people.entries())
    if (p.mergedInto === undefined && matches(people, i, filter, now)) out.add(ids[i]!);
  return out;
}

function matches(people: Person[], i: number, f: SegmentFilter, now: number): boolean {
  if ('all' in f) return f.all.every((x) => matches(people, i, x, now));
  if ('any' in f) return f.any.some((x) => matches(people, i, x, now));
  if ('not' in f) return !matches(people, i, f.not, now);
  return leaf(people, i, f, now);
}

const NEG: Record<string, string> = {
  not_equals: 'equals',
  not_contains: 'contains',
  not_within: 'within',
  not_since: 'since',
};

function leaf(people: Person[], i: number, l: SegmentLeaf, now: number): boolean {
  const op = NEG[l.op] ?? l.op;
  if (op !== l.op) return !leaf(people, i, { ...l, op: op as SegmentLeaf['op'] }, now);
  if (op === 'exists' && l.value === false) return !leaf(people, i, { ...l, value: true }, now);
  const p = people[i]!;
  // This person with the people merged into them: their visits, opt-ins and devices.
  const halves = people.map((q, j) => ({ q, j })).filter(({ q, j }) => j === i || q.mergedInto === i);
  const withIdx = <T>(pick: (q: Person) => T[] | undefined) =>
    halves.flatMap(({ q, j }) => (pick(q) ?? []).map((x, k) => ({ x, j, k })));
  const from =
    op === 'within' ? now - (l.value as number) * 1000 : op === 'since' ? segmentDate(l.value as string) : 0;
  const ref = resolveSegmentField(l.field)!;
  const latest = <T>(items: { x: T & { daysAgo: number }; j: number; k: number }[]) =>
    items.map((s) => ({ s: s.x, t: at(now, s.x.daysAgo, s.j, s.k) })).sort((a, b) => b.t - a.t)[0]?.s;
  switch (ref.base) {
    case 'contact.name':
    case 'contact.email':
    case 'contact.phone':
      return text(
        ref.base === 'contact.name' ? p.name : ref.base === 'contact.email' ? p.email : p.phone,
        op,
        l.value,
        ref.base === 'contact.email',
      );
    case 'contact.externalId':
      return text(null, op, l.value, false);
    case 'contact.verified':
      return !!p.verified === l.value;
    case 'contact.emailOptOut':
      return !!p.emailOptOut === l.value;
    case 'contact.smsOptOut':
      return !!p.smsOptOut === l.value;
    case 'contact.createdAt':
      return at(now, p.createdDaysAgo ?? 100, i, 0) >= from;
    case 'contact.lastSeen':
      return at(now, p.lastSeenDaysAgo ?? 1, i, 0) >= from;
    case 'channel':
    case 'consent': {
      const want = (op === 'in' ? l.value : [l.value]) as string[];
      const consents = new Set(halves.flatMap(({ q }) => q.consents ?? []));
      const push = halves.some(({ q }) => q.push);
      const reach = (ch: string) => {
        if (ref.base === 'consent') return consents.has(ch as 'sms');
        if (ch === 'email') return !!p.email && !p.emailOptOut;
        if (ch === 'sms') return !!p.phone && !p.smsOptOut && consents.has('sms');
        if (ch === 'whatsapp') return !!p.phone && consents.has('whatsapp');
        return push;
      };
      return want.some(reach);
    }
    case 'purchases.last':
      return withIdx((q) => q.purchases).some(({ x, j, k }) => at(now, x.daysAgo, j, k) >= from);
    case 'purchases.count':
    case 'purchases.value': {
      const bought = halves.flatMap(({ q }) => q.purchases ?? []);
      const n = ref.base === 'purchases.count' ? bought.length : bought.reduce((s, b) => s + b.revenue, 0);
      return number(n, op, l.value as number);
    }
    case 'score': {
      const s = latest(withIdx((q) => q.sessions).filter(({ x }) => x.score !== null));
      return s !== undefined && number(s.score!, op, l.value as number);
    }
    case 'country': {
      const s = latest(withIdx((q) => q.sessions).filter(({ x }) => x.country !== null));
      return s !== undefined && text(s.country, op, l.value, false);
    }
    case 'attribute': {
      const v = p.attributes?.[ref.key!];
      if (op === 'exists') return v !== undefined && v !== null;
      if (op === 'equals') return v === l.value;
      if (op === 'in') return (l.value as unknown[]).includes(v);
      if (op === 'contains')
        return typeof v === 'string' && v.toLowerCase().includes(String(l.value).toLowerCase());
      return typeof v === 'number' && number(v, op, l.value as number);
    }
    case 'section':
      return withIdx((q) => q.pages).some(
        ({ x, j, k }) => x.sections.includes(ref.key!) && frameTs(people, now, j, x, k) >= from,
      );
    case 'cart.abandoned': {
      const buys = withIdx((q) => q.purchases).map(({ x, j, k }) => at(now, x.daysAgo, j, k));
      return withIdx((q) => q.carts).some(({ x, j, k }) => {
        const t = at(now, x.daysAgo, j, 50 + (people[j]!.pages?.length ?? 0) + k);
        return x.total >= (l.value as number) && !buys.some((b) => b >= t);
      });
    }
  }
}

const frameTs = (_people: Person[], now: number, j: number, page: { daysAgo: number }, k: number) =>
  at(now, page.daysAgo, j, 50 + k);

function text(v: string | null, op: string, want: unknown, lower: boolean): boolean {
  const norm = (x: unknown) => (lower && typeof x === 'string' ? x.toLowerCase() : x);
  if (op === 'exists') return v !== null && v !== '';
  if (v === null) return false;
  if (op === 'equals') return v === norm(want);
  if (op === 'in') return (want as string[]).map(norm).includes(v);
  return v.toLowerCase().includes(String(want).toLowerCase());
}

function number(n: number, op: string, v: number): boolean {
  return op === 'gte' ? n >= v : op === 'lte' ? n <= v : n === v;
}
