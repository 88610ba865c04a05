let lastIn = '';
let lastOut = '';
/**
 * Lower-cases with a one-entry memo: the campaigns evaluated for one event all read the same
 * page URL, so they share a single allocation instead of one each.
 */
export function lowerCached(value: string): string {
  if (value !== lastIn) {
    lastIn = value;
    lastOut = value.toLowerCase();
  }
  return lastOut;
}

/** Tests a string against a compiled glob. */
export type GlobMatcher = (value: string) => boolean;

/**
 * Compiles a URL glob (`*` matches any run of characters, everything else is literal,
 * case-insensitive) into a matcher that runs in linear-ish time — no regex backtracking,
 * so a pattern like `*a*a*a*b` cannot stall the hot path.
 */
export function compileGlob(glob: string): GlobMatcher {
  const segs = glob.toLowerCase().split('*');
  if (segs.length === 1) {
    const exact = segs[0]!;
    return (value) => value.length === exact.length && lowerCached(value) === exact;
  }
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  const middle = segs.slice(1, -1).filter((s) => s !== '');
  const minLength = first.length + last.length + middle.reduce((n, s) => n + s.length, 0);
  return (value) => {
    if (value.length < minLength) return false;
    const v = lowerCached(value);
    if (!v.startsWith(first)) return false;
    let pos = first.length;
    for (let i = 0; i < middle.length; i++) {
      const at = v.indexOf(middle[i]!, pos);
      if (at < 0) return false;
      pos = at + middle[i]!.length;
    }
    return v.length - last.length >= pos && v.endsWith(last);
  };
}

/** True when a glob is meant for the part of a URL after the host (it starts with `/`). */
export function isPathGlob(glob: string): boolean {
  return glob.startsWith('/');
}
