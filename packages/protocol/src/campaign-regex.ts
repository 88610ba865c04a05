/**
 * Campaign URL regexes, kept to what runs in linear time. A campaign's pattern is tested against
 * every page view of every visitor of the site, so a pattern with catastrophic backtracking
 * (`(a+)+$` against a long URL) would stop the whole server. Patterns are accepted only when V8's
 * linear-time engine can run them (no backreferences, no lookarounds, no `u` flag); the server
 * turns on V8's fall-back to that engine when a regex backtracks too much, so ordinary patterns
 * keep the fast engine and a hostile one costs a bounded time. That engine has no
 * case-insensitive mode either: the `i` flag is applied by rewriting each letter as a class of its
 * two cases.
 */

/** V8's flag for its linear-time engine (a variable: no regex literal may carry it). */
const LINEAR_FLAG = 'l';

/** Escapes whose letter is not a literal (class shorthands, controls, hex and unicode, named refs). */
const ESCAPE_LETTERS = 'dDwWsSbBfnrtvcxukpP';

/** The letter's other case(s), single characters only. */
function otherCases(c: string): string {
  let out = '';
  for (const x of [c.toLowerCase(), c.toUpperCase()])
    if (x !== c && x.length === 1 && !out.includes(x)) out += x;
  return out;
}

/** The escape sequence starting at `i` (a backslash), whole: `\d`, `\x41`, `\u{1F600}`, `\k<name>`. */
function escapeAt(s: string, i: number): string {
  const c = s[i + 1] ?? '';
  if (c === 'x') return s.slice(i, i + 4);
  if (c === 'c') return s.slice(i, i + 3);
  if (c === 'u') return s[i + 2] === '{' ? s.slice(i, s.indexOf('}', i) + 1 || s.length) : s.slice(i, i + 6);
  if ((c === 'p' || c === 'P') && s[i + 2] === '{') return s.slice(i, s.indexOf('}', i) + 1 || s.length);
  if (c === 'k' && s[i + 2] === '<') return s.slice(i, s.indexOf('>', i) + 1 || s.length);
  if (c >= '0' && c <= '9') return s.slice(i).match(/^\\\d+/)![0];
  return s.slice(i, i + 2);
}

/** The other-case ranges of an ASCII range `a-b` (its parts within a–z and A–Z). */
function foldRange(a: string, b: string): string {
  const lo = a.charCodeAt(0);
  const hi = b.charCodeAt(0);
  let out = '';
  const part = (from: number, to: number, shift: number) => {
    const l = Math.max(lo, from);
    const h = Math.min(hi, to);
    if (l <= h) out += `${String.fromCharCode(l + shift)}-${String.fromCharCode(h + shift)}`;
  };
  part(97, 122, -32); // a–z → A–Z
  part(65, 90, 32); // A–Z → a–z
  return out;
}

/** The character an atom stands for when it is a literal (`a`, `\x41`, `\u0041`, `\.`), or ''. */
function literalOf(atom: string): string {
  if (atom.length === 1) return atom;
  if (/^\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})$/.test(atom))
    return String.fromCharCode(Number.parseInt(atom.slice(2), 16));
  if (atom.length === 2 && !ESCAPE_LETTERS.includes(atom[1]!)) return atom[1]!;
  return '';
}

/** The class starting at `i` with both cases of its letters, and how many characters it took. */
function foldClass(s: string, i: number): [string, number] {
  let j = i + 1;
  const negated = s[j] === '^';
  if (negated) j++;
  let body = '';
  let extra = '';
  while (j < s.length && s[j] !== ']') {
    const atom = s[j] === '\\' ? escapeAt(s, j) : s[j]!;
    const after = j + atom.length;
    if (s[after] === '-' && after + 1 < s.length && s[after + 1] !== ']') {
      const rhs = s[after + 1] === '\\' ? escapeAt(s, after + 1) : s[after + 1]!;
      const [a, b] = [literalOf(atom), literalOf(rhs)];
      if (a && b) extra += foldRange(a, b);
      body += `${atom}-${rhs}`;
      j = after + 1 + rhs.length;
      continue;
    }
    const letter = literalOf(atom);
    if (letter) extra += otherCases(letter);
    body += atom;
    j = after;
  }
  // The added cases go first, so they never join a range with the class's own characters; a
  // leading `-` of the class is escaped for the same reason.
  if (body.startsWith('-')) body = `\\${body}`;
  return [`[${negated ? '^' : ''}${extra}${body}]`, j - i + 1];
}

/** `source` matching what it matches with the `i` flag, without that flag (for the linear engine). */
export function foldCase(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const e = escapeAt(source, i);
      const letter = literalOf(e);
      const other = letter ? otherCases(letter) : '';
      out += other ? `[${e}${other}]` : e;
      i += e.length;
    } else if (c === '[') {
      const [cls, used] = foldClass(source, i);
      out += cls;
      i += used;
    } else if (source.startsWith('(?<', i) && source[i + 3] !== '=' && source[i + 3] !== '!') {
      const end = source.indexOf('>', i) + 1 || source.length; // a group's name keeps its case
      out += source.slice(i, end);
      i = end;
    } else {
      const other = otherCases(c);
      out += other ? `[${c}${other}]` : c;
      i++;
    }
  }
  return out;
}

/** Whether this runtime has V8's linear-time engine turned on (the server turns it on; browsers do not). */
export function linearEngineOn(): boolean {
  try {
    new RegExp('', LINEAR_FLAG);
    return true;
  } catch {
    return false;
  }
}

/** Why a campaign regex is refused, or null. Checks linear-time use only where the engine is on. */
export function campaignRegexProblem(source: string, flags: string): string | null {
  try {
    new RegExp(source, flags);
  } catch (e) {
    return `invalid regex: ${(e as Error).message}`.slice(0, 200);
  }
  if (flags.includes('u')) return 'the u flag is not supported: a pattern must run in linear time';
  if (!linearEngineOn()) return null;
  try {
    new RegExp(flags.includes('i') ? foldCase(source) : source, flags.replace('i', '') + LINEAR_FLAG);
  } catch {
    return 'backreferences and lookarounds are not supported: a pattern must run in linear time';
  }
  return null;
}

/**
 * The RegExp a campaign tests URLs with, or null when the pattern is refused (a stored campaign
 * from before this check never matches rather than risking the server).
 */
export function campaignRegex(source: string, flags = ''): RegExp | null {
  const f = flags.replace(/[gy]/g, '');
  if (campaignRegexProblem(source, f) !== null) return null;
  return f.includes('i') ? new RegExp(foldCase(source), f.replace('i', '')) : new RegExp(source, f);
}
