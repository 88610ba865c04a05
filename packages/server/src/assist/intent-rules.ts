import type { IntentDef, Sentiment } from '@beckon/protocol/intent-api';
import { NEGATIVE, NEGATORS, POSITIVE } from './sentiment-lexicon.ts';

/**
 * Intent and sentiment without a model. The intent is the admin's intent whose name or example
 * phrases occur most in the customer's lines (a phrase of more words weighs more; a tie goes to
 * the intent listed first). The sentiment is the sum of the lexicon's words in the customer's
 * latest lines: each pleased word +1, each upset word −1, turned round after a negator.
 * Words are compared lower-cased and without accents; a word may carry up to two letters more
 * than the phrase's (`return` finds `returned`, `devolución` finds `devoluciones`).
 */

/** A text's words: lower case, accents and umlauts folded (`enttäuscht` → `enttauscht`). */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const near = (word: string, want: string) =>
  word === want || (want.length >= 3 && word.startsWith(want) && word.length - want.length <= 2);

/** How often a phrase's words occur in a row in `text`. */
function occurrences(text: readonly string[], phrase: readonly string[]): number {
  if (phrase.length === 0) return 0;
  let n = 0;
  for (let i = 0; i + phrase.length <= text.length; i++)
    if (phrase.every((w, j) => near(text[i + j]!, w))) n++;
  return n;
}

/** The admin's intent the customer's lines show most, or null when none shows. */
export function intentByRules(
  intents: readonly IntentDef[],
  customerLines: readonly string[],
): string | null {
  const text = customerLines.flatMap(words);
  let best: string | null = null;
  let bestScore = 0;
  for (const intent of intents) {
    let score = 0;
    for (const phrase of [intent.name, ...intent.examples]) {
      const w = words(phrase);
      score += occurrences(text, w) * w.length;
    }
    if (score > bestScore) {
      best = intent.name;
      bestScore = score;
    }
  }
  return best;
}

type Entry = { stem: string; prefix: boolean; words: string[] };
const entries = (list: readonly string[]): Entry[] =>
  list.map((e) => ({
    stem: e.replace(/\*$/, ''),
    prefix: e.endsWith('*'),
    words: words(e.replace(/\*$/, '')),
  }));
const POS = entries(POSITIVE);
const NEG = entries(NEGATIVE);
const NEGATE = new Set(NEGATORS);

/** How many words of `entry` start at `at` in `text` (0: no match). */
function matchAt(text: readonly string[], at: number, entry: Entry): number {
  const last = entry.words.length - 1;
  for (let j = 0; j <= last; j++) {
    const w = text[at + j];
    const want = entry.words[j]!;
    if (w === undefined) return 0;
    if (j === last && entry.prefix ? !w.startsWith(want) : w !== want) return 0;
  }
  return entry.words.length;
}

/** The first entry of `list` that starts at `at`, and how many words it spans (0: none). */
function firstMatch(text: readonly string[], at: number, list: readonly Entry[]): number {
  for (const e of list) {
    const len = matchAt(text, at, e);
    if (len) return len;
  }
  return 0;
}

/** The lexicon's score of a text: above 0 pleased, below 0 upset. */
export function sentimentScore(text: string): number {
  const w = words(text);
  let score = 0;
  for (let i = 0; i < w.length; i++) {
    const neg = firstMatch(w, i, NEG);
    const len = neg || firstMatch(w, i, POS);
    if (!len) continue;
    const polarity = neg ? -1 : 1;
    const turned = (i > 0 && NEGATE.has(w[i - 1]!)) || (i > 1 && NEGATE.has(w[i - 2]!));
    score += turned ? -polarity : polarity;
    i += len - 1;
  }
  return score;
}

/** The customer's sentiment from their latest lines. */
export function sentimentByRules(customerLines: readonly string[]): Sentiment {
  const score = customerLines.reduce((sum, line) => sum + sentimentScore(line), 0);
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
}
