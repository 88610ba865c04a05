import type { VisitorEvent } from '@beckon/protocol';
import { MAX_NAME_LENGTH, MAX_PROPS, MAX_SECTIONS, MAX_STRING_LENGTH } from './limits.ts';

type Scalars = Record<string, string | number | boolean>;
/** Keys the protocol accepts in props and traits (never a prototype key). */
const KEY = /^(?!__proto__$|constructor$|prototype$)[\w.:$-]{1,64}$/;
const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/** A custom event name or section label the gateway accepts, or '' when `v` cannot be one. */
export function cleanName(v: unknown): string {
  return typeof v === 'string' ? v.trim().slice(0, MAX_NAME_LENGTH) : '';
}

/** The scalar entries of a props / traits object the protocol allows (key shape, 32 keys, 256 characters), or undefined. */
export function cleanScalars(v: unknown): Scalars | undefined {
  let out: Scalars | undefined;
  let n = 0;
  if (isObject(v)) {
    for (const key of Object.keys(v)) {
      let value = v[key];
      if (typeof value === 'string') value = value.slice(0, MAX_STRING_LENGTH);
      else if (typeof value !== 'boolean' && !Number.isFinite(value)) continue;
      if (n < MAX_PROPS && KEY.test(key)) {
        out = out || {};
        out[key] = value as string;
        n++;
      }
    }
  }
  return out;
}

/** Section labels: strings, trimmed, unique, at most 16. A single string counts as one label. */
export function cleanSections(v: unknown): string[] {
  const out: string[] = [];
  for (const item of Array.isArray(v) ? v : [v]) {
    const name = cleanName(item);
    if (name && !out.includes(name) && out.length < MAX_SECTIONS) out.push(name);
  }
  return out;
}

/**
 * Turns a public `['event' | 'attr' | 'identify', …]` call into a protocol event, or undefined when
 * the call is malformed. Attributes are checked for shape only: the gateway validates the type and
 * fields against the schemas in `@beckon/protocol` and answers a bad one with an error the tag logs.
 */
export function commandEvent(cmd: readonly unknown[], ts: number): VisitorEvent | undefined {
  const [kind, a, b] = cmd;
  if (kind === 'event') {
    const name = cleanName(a);
    const props = cleanScalars(b);
    // No props stays undefined, which the frame's JSON leaves out (as `userHash` below).
    if (name) return { type: kind, name, props, ts } as VisitorEvent;
  } else if (kind === 'attr') {
    // A JSON round trip drops undefined fields and functions, which the schema would refuse.
    if (typeof a === 'string' && isObject(b)) {
      return { type: kind, attrType: a, value: JSON.parse(JSON.stringify(b)), ts } as VisitorEvent;
    }
  } else if (kind === 'identify') {
    const traits = cleanScalars(a);
    // The second argument carries the site's userHash of traits.userId (identity verification).
    // An absent hash stays undefined, which the frame's JSON leaves out.
    const userHash = isObject(b) && typeof b.userHash === 'string' ? b.userHash : undefined;
    if (traits) return { type: kind, traits, userHash } as VisitorEvent;
  }
}
