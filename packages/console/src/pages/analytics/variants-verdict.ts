/** How a variants report reads, in words: per comparison, and for the campaign as a whole. */
import type { VariantComparison, VariantsReport } from '../../api/reports.ts';
import { t } from '../../i18n/i18n.ts';

/** An arm's name in the console's language: "Control", or the variant's key. */
export const armName = (key: string) => (key === 'control' ? t('Control') : key);

/** One comparison in words, and a badge tone. */
export function comparisonVerdict(c: VariantComparison): { text: string; tone: string } {
  if (!c.enoughData) return { text: t('Not enough data yet'), tone: 'badge-paused' };
  switch (c.verdict) {
    case 'wins':
      return { text: t('{arm} wins', { arm: armName(c.arm) }), tone: 'badge-active' };
    case 'loses':
      // Worse than control is a loss; between two variants it is the other one's win.
      return {
        text: t('{arm} wins', { arm: armName(c.against) }),
        tone: c.against === 'control' ? 'badge-danger' : 'badge-active',
      };
    case 'no_difference_likely':
      return { text: t('No difference likely'), tone: 'badge-neutral' };
    default:
      return { text: t('Keep running'), tone: 'badge-paused' };
  }
}

/**
 * The campaign's verdict: a variant wins when it beats control and every other variant; "no
 * difference likely" when every variant is within the band of control; else keep running.
 */
export function overallVerdict(r: VariantsReport): { text: string; tone: string } {
  const live = r.arms.filter((a) => !a.control && !a.removed).map((a) => a.key);
  const vsControl = r.comparisons.filter((c) => c.against === 'control' && live.includes(c.arm));
  if (vsControl.length === 0 || vsControl.every((c) => !c.enoughData))
    return { text: t('Not enough data yet'), tone: 'badge-paused' };
  const beats = (a: string, b: string) =>
    r.comparisons.some(
      (c) =>
        (c.arm === a && c.against === b && c.verdict === 'wins') ||
        (c.arm === b && c.against === a && c.verdict === 'loses'),
    );
  const winner = live.find((k) => beats(k, 'control') && live.every((o) => o === k || beats(k, o)));
  if (winner) return { text: t('Variant {key} wins', { key: winner }), tone: 'badge-active' };
  if (vsControl.every((c) => c.verdict === 'no_difference_likely'))
    return { text: t('No difference likely'), tone: 'badge-neutral' };
  return { text: t('Keep running'), tone: 'badge-paused' };
}
