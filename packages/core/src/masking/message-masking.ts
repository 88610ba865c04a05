import { campaignRegexProblem, foldCase } from '@beckon/protocol/campaign-regex';
import type { MaskingSettings, MaskPattern } from '@beckon/protocol/masking-api';
import { maskCardNumbers, maskIbans } from './sensitive-numbers.ts';

/**
 * What an account masks in a message's text before it is stored: IBANs, then card numbers (an
 * IBAN's digits could pass for a card), then the account's own patterns in their order, each on
 * what the previous left. An account's pattern is accepted only when it runs in linear time (the
 * campaign patterns' rule, `@beckon/protocol/campaign-regex`): it is run on every message of the
 * account, and a pattern with catastrophic backtracking would stop the server. No I/O.
 */
export interface CompiledMasking {
  cards: boolean;
  ibans: boolean;
  patterns: { re: RegExp; replacement: string }[];
}

/** Why an account's pattern is refused, or null. */
export function maskPatternProblem(p: Pick<MaskPattern, 'pattern' | 'flags'>): string | null {
  const flags = p.flags ?? '';
  const problem = campaignRegexProblem(p.pattern, flags);
  if (problem) return problem;
  if (new RegExp(p.pattern, flags).test(''))
    return 'the pattern matches empty text, so it would mask between every two characters';
  return null;
}

/** The rules ready to run; a stored pattern refused now is left out rather than run. */
export function compileMasking(settings: MaskingSettings): CompiledMasking {
  const patterns: CompiledMasking['patterns'] = [];
  for (const p of settings.patterns) {
    if (maskPatternProblem(p) !== null) continue;
    const source = p.flags === 'i' ? foldCase(p.pattern) : p.pattern;
    patterns.push({ re: new RegExp(source, 'g'), replacement: p.replacement });
  }
  return { cards: settings.cards, ibans: settings.ibans, patterns };
}

/** Whether the rules can change any text at all. */
export const masksAnything = (m: CompiledMasking): boolean => m.cards || m.ibans || m.patterns.length > 0;

/** `text` as it may be stored: the account's sensitive data replaced. */
export function maskText(text: string, m: CompiledMasking): string {
  let out = text;
  // Both need digits; most lines have none, and then cost one scan.
  if ((m.ibans || m.cards) && /\d/.test(out)) {
    if (m.ibans) out = maskIbans(out);
    if (m.cards) out = maskCardNumbers(out);
  }
  for (const { re, replacement } of m.patterns) {
    re.lastIndex = 0;
    // A function, so `$&` or `$1` in a replacement is written as it is, never the match back.
    out = out.replace(re, (match) => (match === '' ? '' : replacement));
  }
  return out;
}
