import type { FieldRef } from '@beckon/protocol';
import { currentScreen } from '../visitor/app-events.ts';
import { attrBit, Field } from '../visitor/field-bits.ts';
import { timeOnPageMs, timeOnSiteMs, type VisitorState } from '../visitor-state.ts';
import { localHour } from './local-hour.ts';

/** Reads one field from a visitor state (time fields in ms; absent facts are undefined). */
export type Getter = (s: VisitorState, now: number) => unknown;

const EMPTY: readonly string[] = [];

/** Builds the reader for a resolved field, once per campaign compile (`campaignId`: whose uplift to read). */
export function getterFor(ref: FieldRef, campaignId = ''): Getter {
  const key = ref.key!;
  switch (ref.base) {
    case 'page.url':
      return (s) => s.page?.url;
    case 'page.path':
      return (s) => s.page?.path;
    case 'page.section':
      return (s) => s.page?.sections ?? EMPTY;
    case 'page.timeOnPage':
      return timeOnPageMs;
    case 'session.timeOnSite':
      return timeOnSiteMs;
    case 'session.pageViews':
      return (s) => s.pageViews;
    case 'session.sectionViews':
      return (s) => s.sectionViews.get(key) ?? 0;
    case 'visitor.returning':
      return (s) => s.returning;
    case 'visitor.device':
      return (s) => s.device;
    case 'marketing.channel':
      return (s) => s.marketing.channel;
    case 'marketing.source':
      return (s) => s.marketing.source;
    case 'marketing.medium':
      return (s) => s.marketing.medium;
    case 'marketing.campaign':
      return (s) => s.marketing.campaign;
    case 'cart.total':
      return (s) => s.cart?.total ?? 0;
    case 'cart.items':
      return (s) => s.cart?.itemCount ?? 0;
    case 'cart.currency':
      return (s) => s.cart?.currency;
    case 'score':
      return (s) => s.score;
    case 'uplift':
      // Undefined (every comparison false) until the campaign has a trained uplift model.
      return (s) => s.uplift?.get(campaignId);
    case 'geo.country':
      return (s) => s.geo?.country;
    case 'geo.region':
      return (s) => s.geo?.region;
    case 'geo.city':
      return (s) => s.geo?.city;
    case 'geo.timezone':
      return (s) => s.geo?.timezone;
    case 'geo.localHour':
      return localHour;
    case 'platform':
      return (s) => s.app?.platform ?? 'web';
    case 'app.version':
      return (s) => s.app?.version;
    case 'screen.name':
      return (s) => currentScreen(s)?.name;
    case 'screen.section':
      return (s) => currentScreen(s)?.section;
    case 'event':
      return (s) => s.events.get(key);
    case 'attr': {
      const type = ref.attrType!;
      return (s) => s.attrs[type];
    }
    case 'attr.field': {
      const type = ref.attrType!;
      return (s) => (s.attrs[type]?.value as Record<string, unknown> | undefined)?.[key];
    }
  }
}

/** Reads a field's previous value, for changed / increased / decreased (only fields with history). */
export function previousGetterFor(ref: FieldRef): Getter {
  switch (ref.base) {
    case 'cart.total':
      return (s) => s.cartPrev.total;
    case 'cart.items':
      return (s) => s.cartPrev.itemCount;
    case 'attr.field': {
      const type = ref.attrType!;
      const key = ref.key!;
      return (s) => (s.attrs[type]?.prev as Record<string, unknown> | undefined)?.[key];
    }
    default:
      return () => undefined;
  }
}

/** The Field bits whose change can alter this field's value. */
export function inputBitsFor(ref: FieldRef, op: string): number {
  switch (ref.base) {
    case 'page.url':
    case 'page.path':
    case 'page.section':
      return Field.Page;
    case 'page.timeOnPage':
      return Field.PageTime | Field.Page | Field.Clock;
    case 'session.timeOnSite':
      return Field.Session | Field.Clock;
    case 'session.pageViews':
    case 'session.sectionViews':
      return Field.Session;
    case 'visitor.returning':
    case 'visitor.device':
      return Field.Visitor;
    case 'marketing.channel':
    case 'marketing.source':
    case 'marketing.medium':
    case 'marketing.campaign':
      return Field.Marketing;
    case 'cart.total':
    case 'cart.items':
    case 'cart.currency':
      return Field.Cart;
    case 'score':
    case 'uplift':
      return Field.Score;
    case 'geo.country':
    case 'geo.region':
    case 'geo.city':
    case 'geo.timezone':
      return Field.Visitor;
    case 'geo.localHour':
      return Field.Visitor | Field.Clock;
    case 'platform':
    case 'app.version':
      return Field.Visitor;
    case 'screen.name':
    case 'screen.section':
      return Field.Page;
    case 'event':
      return Field.Event | Field.Session | (op === 'within' ? Field.Clock : 0);
    case 'attr':
      return attrBit(ref.attrType!) | Field.Clock;
    case 'attr.field':
      return attrBit(ref.attrType!);
  }
}
